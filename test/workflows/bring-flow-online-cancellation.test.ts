/**
 * Cancelling bringFlowOnline on a real dev server (real time), against the MediaConnect simulator
 * over real HTTP: whatever the bring-up is doing (waiting for its request budget, calling
 * StartFlow, waiting on its timer), it ends CANCELLED, and an activity in flight is cancelled and
 * waited for (its request aborted) rather than failing the bring-up with FlowStartTimeout.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createWorker } from '../../src/worker';
import { mediaConnectClientFor } from '../support/aws';
import type { BringFlowOnlineInput, bringFlowOnline } from '../../src/workflows/bring-flow-online';
import { countEvents, historyOf, scheduledActivities } from '../support/history';
import { startTestbed, type Testbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const PendingActivityState = temporal.api.enums.v1.PendingActivityState;

const taskQueue = 'bring-flow-online-cancellation-test';
const budgetedQueue = `${taskQueue}-budgeted`;
const bed = {} as Testbed;
/** A second worker whose request budget allows one call every 40 s: its second call waits for its token. */
let budgeted: { worker: Worker; running: Promise<void>; close(): void } | undefined;

beforeAll(async () => {
  Object.assign(bed, await startTestbed({ server: 'dev', taskQueue }));
  const mediaConnect = mediaConnectClientFor(bed.sim.endpoint, bed.sim.region);
  const worker = await createWorker({
    connection: bed.env.nativeConnection,
    namespace: bed.env.namespace ?? 'default',
    taskQueue: budgetedQueue,
    mediaConnect,
    requestBudget: { requestsPerSecond: 0.025, burst: 1, budgetId: `cancellation-test-${randomUUID()}` },
  });
  budgeted = { worker, running: worker.run(), close: () => mediaConnect.destroy() };
}, 180_000);
afterAll(async () => {
  budgeted?.worker.shutdown();
  await budgeted?.running;
  budgeted?.close();
  await bed.stop?.();
});
beforeEach(() => bed.sim.reset());

function start(input: BringFlowOnlineInput, queue = taskQueue) {
  return bed.env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', { args: [input], taskQueue: queue, workflowId: `cancel-${randomUUID()}` });
}

/** True once an attempt of the activity has started on a worker (and not yet finished). */
async function activityRunning(handle: WorkflowHandle, activityType: string): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some((a) => a.activityType?.name === activityType && a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
}

/** What the client sees: `WorkflowFailedError` whose cause is a `CancelledFailure`. */
async function cancelledOutcome(handle: WorkflowHandle): Promise<{ error: string; cause?: string; status?: string }> {
  const error = await handle.result().then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  return { error: error?.name ?? 'none', cause: (error as WorkflowFailedError | undefined)?.cause?.name, status: (await handle.describe()).status.name };
}

const CANCELLED = { error: WorkflowFailedError.name, cause: 'CancelledFailure', status: 'CANCELLED' };

describe('cancelling bringFlowOnline', () => {
  it('while its StartFlow waits for the request budget: CANCELLED, the activity cancelled, StartFlow never sent', async () => {
    const flowArn = bed.sim.createFlow({ name: 'WaitsForBudget', startingDuration: 1e9 });
    const handle = await start({ flowArn }, budgetedQueue);
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
    await waitFor('the first timer', async () => countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_STARTED') === 1, 60_000);
    const callsBefore = bed.sim.calls().length;
    await handle.cancel();

    expect(await cancelledOutcome(handle)).toEqual(CANCELLED);
    const events = await historyOf(handle);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_CANCELED')).toBe(1);
    expect(scheduledActivities(events)).toEqual(['describeFlow', 'startFlow']);
    expect(bed.sim.calls()).toHaveLength(callsBefore);
  }, 120_000);
});
