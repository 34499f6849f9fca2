/**
 * Cancelling bringFlowOnline and bringFleetOnline on a real dev server (real time), against the
 * MediaConnect simulator over real HTTP: whatever a bring-up is doing (waiting for its request
 * budget, calling StartFlow, waiting on its timer), it ends CANCELLED, and an activity in flight is
 * cancelled and waited for (its request aborted) rather than failing the bring-up with
 * FlowStartTimeout; a cancelled fleet reports each stopped flow CANCELLED with its status read
 * after the cancellation.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createWorker } from '../../src/worker';
import { mediaConnectClientFor } from '../support/aws';
import type { BringFlowOnlineInput, bringFlowOnline } from '../../src/workflows/bring-flow-online';
import type { bringFleetOnline } from '../../src/workflows/bring-fleet-online';
import type { RequestBudgetLimits } from '../../src/common/request-budget-math';
import { countEvents, historyOf, scheduledActivities } from '../support/history';
import { cancelledOutcome, CANCELLED } from '../support/failures';
import { startTestbed, type Testbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PendingActivityState = temporal.api.enums.v1.PendingActivityState;

const taskQueue = 'bring-flow-online-cancellation-test';
const bed = {} as Testbed;
let workflowBundlePath: string;
let bundleDir: string;
/** Workers started by a test, each with its own request budget; stopped after it. */
const budgeted: Array<{ worker: Worker; running: Promise<void>; close(): void }> = [];

beforeAll(async () => {
  Object.assign(bed, await startTestbed({ server: 'dev', taskQueue }));
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  bundleDir = mkdtempSync(path.join(tmpdir(), 'cancellation-test-'));
  workflowBundlePath = path.join(bundleDir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);
}, 180_000);
afterEach(async () => {
  for (const { worker, running, close } of budgeted.splice(0)) {
    worker.shutdown();
    await running;
    close();
  }
});
afterAll(async () => {
  await bed.stop?.();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});
beforeEach(() => bed.sim.reset());

/** Starts a worker on a fresh task queue whose activities spend a fresh request budget with these limits; returns the queue. */
async function budgetedWorker(limits: RequestBudgetLimits): Promise<string> {
  const queue = `${taskQueue}-${randomUUID()}`;
  const mediaConnect = mediaConnectClientFor(bed.sim.endpoint, bed.sim.region);
  const worker = await createWorker({
    connection: bed.env.nativeConnection,
    namespace: bed.env.namespace ?? 'default',
    taskQueue: queue,
    mediaConnect,
    workflowBundlePath,
    requestBudget: { ...limits, budgetId: `budget-${queue}` },
  });
  budgeted.push({ worker, running: worker.run(), close: () => mediaConnect.destroy() });
  return queue;
}

function start(input: BringFlowOnlineInput, queue = taskQueue) {
  return bed.env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', {
    args: [input],
    taskQueue: queue,
    workflowId: `cancel-${randomUUID()}`,
  });
}

/** True once an attempt of the activity has started on a worker (and not yet finished). */
async function activityRunning(handle: WorkflowHandle, activityType: string): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some(
    (a) => a.activityType?.name === activityType && a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
  );
}

describe('cancelling bringFlowOnline', () => {
  it('while its StartFlow waits for the request budget: CANCELLED, the activity cancelled, StartFlow never sent', async () => {
    const queue = await budgetedWorker({ requestsPerSecond: 0.025, burst: 1 });
    const flowArn = bed.sim.createFlow({ name: 'WaitsForBudget', startingDuration: 1e9 });
    const handle = await start({ flowArn }, queue);
    // The DescribeFlow takes the budget's one token; StartFlow then waits about 40 s for the next.
    await waitFor('StartFlow to be running on a worker', () => activityRunning(handle, 'startFlow'), 60_000);
    await handle.cancel();

    expect(await cancelledOutcome(handle)).toEqual(CANCELLED);
    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual(['describeFlow', 'startFlow']);
    expect(countEvents(events, 'EVENT_TYPE_ACTIVITY_TASK_CANCELED')).toBe(1);
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(0);
    expect(bed.sim.flowStatus(flowArn)).toBe('STANDBY');
  }, 120_000);

  it('while StartFlow waits for MediaConnect’s answer: CANCELLED long before the 60 s answer, the activity cancelled', async () => {
    const flowArn = bed.sim.createFlow({ name: 'SlowStart', startingDuration: 1e9 });
    bed.sim.injectFault({ operation: 'StartFlow', kind: 'slow', delayMs: 60_000 });
    const handle = await start({ flowArn, knownStatus: 'STANDBY' });
    await waitFor('one StartFlow call', () => bed.sim.calls({ operation: 'StartFlow' }).length === 1, 60_000);
    const cancelledAt = Date.now();
    await handle.cancel();

    expect(await cancelledOutcome(handle)).toEqual(CANCELLED);
    expect(Date.now() - cancelledAt).toBeLessThan(40_000); // the answer was not waited for
    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual(['startFlow']);
    expect(countEvents(events, 'EVENT_TYPE_ACTIVITY_TASK_CANCELED')).toBe(1);
    expect(countEvents(events, 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED')).toBe(0);
  }, 120_000);

  it('while it waits on its timer: CANCELLED, the timer cancelled, no further call', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Polling', startingDuration: 1e9 });
    const handle = await start({ flowArn, pollInterval: '1h' });
    await waitFor(
      'the first timer',
      async () => countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_STARTED') === 1,
      60_000,
    );
    const callsBefore = bed.sim.calls().length;
    await handle.cancel();

    expect(await cancelledOutcome(handle)).toEqual(CANCELLED);
    const events = await historyOf(handle);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_CANCELED')).toBe(1);
    expect(scheduledActivities(events)).toEqual(['describeFlow', 'startFlow']);
    expect(bed.sim.calls()).toHaveLength(callsBefore);
  }, 120_000);
});

describe('cancelling bringFleetOnline', () => {
  it('reports every stopped flow CANCELLED with its status read after the cancellation, including one whose StartFlow waited for the budget', async () => {
    // Three tokens at once (the fleet's first read and two StartFlows), then one every 20 s: the third StartFlow waits.
    const queue = await budgetedWorker({ requestsPerSecond: 0.05, burst: 3 });
    const flows = Array.from({ length: 3 }, (_, i) =>
      bed.sim.createFlow({ name: `EventDay${i}`, startingDuration: 1e9 }),
    );
    const fleet = await bed.env.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
      args: [{ flowArns: flows }],
      taskQueue: queue,
      workflowId: `fleet-${randomUUID()}`,
    });
    const bringUp = (arn: string) =>
      bed.env.client.workflow.getHandle(`${fleet.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`);
    await waitFor('two StartFlow calls', () => bed.sim.calls({ operation: 'StartFlow' }).length === 2, 60_000);
    const waiting = flows.find((arn) => bed.sim.flowStatus(arn) === 'STANDBY') as string;
    await waitFor(
      'the third StartFlow to wait for its token',
      () => activityRunning(bringUp(waiting), 'startFlow'),
      60_000,
    );
    await fleet.cancel();
    const report = await fleet.result();

    expect(report).toMatchObject({ active: 0, failed: 0, cancelled: 3 });
    for (const [i, arn] of flows.entries()) {
      // The status each flow was left in, as MediaConnect reports it after the cancellation.
      expect(report.results[i]).toEqual({ flowArn: arn, outcome: 'CANCELLED', lastStatus: bed.sim.flowStatus(arn) });
      expect((await bringUp(arn).describe()).status.name).toBe('CANCELLED');
    }
    expect(report.results.find((r) => r.flowArn === waiting)?.lastStatus).toBe('STANDBY');
    expect(bed.sim.calls({ operation: 'StartFlow', flowArn: waiting })).toHaveLength(0);
    expect(countEvents(await historyOf(bringUp(waiting)), 'EVENT_TYPE_ACTIVITY_TASK_CANCELED')).toBe(1);
    expect((await fleet.describe()).status.name).toBe('COMPLETED');
  }, 120_000);
});
