/**
 * On a namespace that does not declare `MediaConnectFlowArn` (one set up before this package had
 * it), the forwarder still reaches every workflow with a deterministic id and says which lookup it
 * skipped and why; it does not fail the event.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bringFlowOnlineWorkflowId, takeFlowOfflineWorkflowId } from '../../src/client';
import {
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
  FlowStatusSearchAttribute,
} from '../../src/common/search-attributes';
import { forwardFlowStatusChange } from '../../src/events/forward';
import { flowStatusChangeEvent } from '../support/flow-status-event';
import { historyOf, countEvents } from '../support/history';
import { createDevServer } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServer({
    server: { searchAttributes: [FlowNameSearchAttribute, FlowStatusSearchAttribute, FlowRegionSearchAttribute] },
  });
}, 120_000);
afterAll(() => env?.teardown());

const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abcDEF-123:OldNamespace';
const event = flowStatusChangeEvent(flowArn);
const silent = { info: () => undefined, warn: () => undefined };

describe('forwardFlowStatusChange on a namespace without MediaConnectFlowArn', () => {
  it('signals the bring-up by its deterministic id and reports the search attribute lookup as skipped', async () => {
    // A bring-up that no worker runs stays Running: enough to receive a signal.
    const handle = await env.client.workflow.start('bringFlowOnline', {
      args: [{ flowArn }],
      taskQueue: 'no-worker-here',
      workflowId: bringFlowOnlineWorkflowId(flowArn),
    });
    const result = await forwardFlowStatusChange(env.client, event, { logger: silent });
    expect(result).toEqual({
      outcome: 'forwarded',
      flowArn,
      change: { flowArn, previousStatus: 'STARTING', currentStatus: 'ACTIVE', time: event.time },
      signalled: [handle.workflowId],
      notRunning: [takeFlowOfflineWorkflowId(flowArn)],
      skipped: ['the namespace does not declare the MediaConnectFlowArn search attribute'],
    });
    expect(countEvents(await historyOf(handle), 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBe(1);
    await handle.terminate();
  });

  it('skips the lookup without asking when told the namespace lacks it', async () => {
    const result = await forwardFlowStatusChange(env.client, event, { logger: silent, searchAttribute: false });
    expect(result).toMatchObject({ outcome: 'forwarded', signalled: [], skipped: [] });
  });
});
