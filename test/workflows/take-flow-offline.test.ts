/**
 * takeFlowOffline on the time-skipping test server, against the MediaConnect simulator over real
 * HTTP through @aws-sdk/client-mediaconnect. Timers skip; HTTP (and the simulator's STOPPING) is real.
 */
import { randomUUID } from 'node:crypto';
import { flowStatusChangedSignal } from '../../src/workflows/flow-watch';
import {
  offlineProgressQuery,
  type TakeFlowOfflineInput,
  type takeFlowOffline,
} from '../../src/workflows/take-flow-offline';
import { activityAttempts, countEvents, historyOf, scheduledActivities } from '../support/history';
import { workflowFailure } from '../support/failures';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'take-flow-offline-test';
const bed = useTestbed({ server: 'time-skipping', taskQueue, resetSimulatorBeforeEach: true });

function start(input: TakeFlowOfflineInput) {
  return bed.env.client.workflow.start<typeof takeFlowOffline>('takeFlowOffline', {
    args: [input],
    taskQueue,
    workflowId: `test-${randomUUID()}`,
  });
}

/** The operations the simulator answered for one flow, in order, with their HTTP statuses. */
function callsFor(flowArn: string): string[] {
  return bed.sim
    .calls()
    .filter((call) => call.flowArn === flowArn)
    .map((call) => `${call.operation} ${call.httpStatus ?? 'no answer'}`);
}

describe('takeFlowOffline', () => {
  it('succeeds at once, with no StopFlow and no timer, for a flow already STANDBY', async () => {
    const flowArn = bed.sim.createFlow({ name: 'AlreadyOff' });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ flowArn, status: 'STANDBY', polls: 1, stoppedByWorkflow: false });
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(0);
    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual(['describeFlow']);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_STARTED')).toBe(0);
  });

  it('stops an ACTIVE flow and completes once it has gone through STOPPING to STANDBY', async () => {
    const flowArn = bed.sim.createFlow({ name: 'OnAir', status: 'ACTIVE', stoppingDuration: 300 });
    const handle = await start({ flowArn });
    const result = await handle.result();
    expect(result).toMatchObject({ flowArn, status: 'STANDBY', stoppedByWorkflow: true });
    expect(Date.parse(result.standbyAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    expect(bed.sim.flowStatus(flowArn)).toBe('STANDBY');
    expect(bed.sim.calls({ operation: 'StopFlow' }).map((c) => c.httpStatus)).toEqual([202]);
    const activities = scheduledActivities(await historyOf(handle));
    expect(activities.slice(0, 3)).toEqual(['describeFlow', 'stopFlow', 'describeFlow']);
    expect(activities.filter((a) => a === 'stopFlow')).toHaveLength(1);
    expect((await handle.query(offlineProgressQuery)).stops).toBe(1);
  });

  it('stops a flow in ERROR', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Broken', status: 'ERROR', stoppingDuration: 0 });
    expect(await (await start({ flowArn })).result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
    expect(bed.sim.calls({ operation: 'StopFlow' }).map((c) => c.httpStatus)).toEqual([202]);
  });

  it('waits without a StopFlow for a flow someone else is already stopping', async () => {
    const flowArn = bed.sim.createFlow({ name: 'BeingStopped', status: 'STOPPING', stoppingDuration: 300 });
    const result = await (await start({ flowArn })).result();
    expect(result).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: false });
    expect(result.polls).toBeGreaterThanOrEqual(1);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(0);
  });

  it('waits until a STARTING flow is ACTIVE, then stops it: no StopFlow is sent mid-start', async () => {
    // STARTING ends by count (2 checks), STOPPING at once: a STOPPING of real milliseconds would race
    // the 5 s timers, which this server skips, and a fast machine's 120 checks in its 1 s spent the
    // 10-minute deadline (FlowStopTimeout, seen in CI on Node 26).
    const flowArn = bed.sim.createFlow({
      name: 'MidStart',
      status: 'STARTING',
      startingDescribes: 2,
      stoppingDuration: 0,
    });
    const handle = await start({ flowArn, pollInterval: '5s' });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
    // Two checks see STARTING, the third ACTIVE; then the one stop, accepted.
    expect(callsFor(flowArn).slice(0, 4)).toEqual([
      'DescribeFlow 200',
      'DescribeFlow 200',
      'DescribeFlow 200',
      'StopFlow 202',
    ]);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(1);
  });

  it('waits out an UPDATING flow and takes it as it is then: STANDBY needs no StopFlow', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Updating', status: 'UPDATING' });
    const handle = await start({ flowArn, pollInterval: '5s' });
    await waitFor('the first check', async () => (await handle.query(offlineProgressQuery)).lastStatus === 'UPDATING');
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: false });
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(0);
  });

  it('fails with NotFoundException after exactly one attempt for an unknown flow', async () => {
    const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:Nowhere';
    const handle = await start({ flowArn });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe('NotFoundException');
    expect(failure.nonRetryable).toBe(true);
    expect(activityAttempts(await historyOf(handle), 'describeFlow')).toEqual([1]);
    expect(bed.sim.calls()).toHaveLength(1);
  });

  it('fails with FlowDeleted for a flow being deleted, without a StopFlow', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Going', status: 'DELETING' });
    const failure = await workflowFailure(start({ flowArn }).then((h) => h.result()));
    expect(failure.type).toBe('FlowDeleted');
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(0);
  });

  it('retries a throttled StopFlow (429) and a 503 DescribeFlow, then succeeds', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Throttled', status: 'ACTIVE', stoppingDuration: 0 });
    bed.sim.injectFault({ operation: 'StopFlow', kind: 'throttle', retryAfterSeconds: 1, times: 2 });
    bed.sim.injectFault({ operation: 'DescribeFlow', kind: 'unavailable', times: 1 });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY' });
    const events = await historyOf(handle);
    expect(activityAttempts(events, 'stopFlow')).toEqual([3]);
    expect(activityAttempts(events, 'describeFlow')[0]).toBe(2);
    expect(bed.sim.calls({ operation: 'StopFlow' }).map((c) => c.httpStatus)).toEqual([429, 429, 202]);
  });

  it('does not fail when a StopFlow reached the service, its answer was lost and the retry is refused with 400', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LostAnswer', status: 'ACTIVE', stoppingDuration: 300 });
    bed.sim.injectFault({ operation: 'StopFlow', kind: 'drop', applied: true });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
    expect(bed.sim.calls({ operation: 'StopFlow' }).map((c) => c.httpStatus)).toEqual([undefined, 400]);
    expect(activityAttempts(await historyOf(handle), 'stopFlow')).toEqual([2]);
  });

  it('fails at once with ForbiddenException when StopFlow is refused, with the service message', async () => {
    const flowArn = bed.sim.createFlow({ name: 'NotMine', status: 'ACTIVE' });
    bed.sim.injectFault({ operation: 'StopFlow', kind: 'forbidden', message: 'simulated forbidden for the test' });
    const handle = await start({ flowArn });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe('ForbiddenException');
    expect(failure.message).toContain('simulated forbidden for the test');
    expect(activityAttempts(await historyOf(handle), 'stopFlow')).toEqual([1]);
  });

  it('fails with FlowStopTimeout naming the last status when the deadline passes', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Stuck', status: 'ACTIVE', stoppingDuration: 1e9 });
    const failure = await workflowFailure(
      start({ flowArn, timeout: '1m', pollInterval: '10s' }).then((h) => h.result()),
    );
    expect(failure.type).toBe('FlowStopTimeout');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/was not STANDBY after 60(\.\d)?s; last status STOPPING/);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(1);
  });

  it('wakes on an unconfirmed flowStatusChanged signal and confirms it with one DescribeFlow, without waiting for its timer', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Signalled', status: 'STOPPING', stoppingDuration: 1e9 });
    const handle = await start({ flowArn, pollInterval: '1h' });
    await waitFor('the first check', async () => (await handle.query(offlineProgressQuery)).lastStatus === 'STOPPING');
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    await handle.signal(flowStatusChangedSignal, { flowArn, currentStatus: 'STANDBY', previousStatus: 'STOPPING' });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', polls: 2 });
    expect(countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(bed.sim.calls({ operation: 'DescribeFlow' })).toHaveLength(2);
  });

  it('continues as new during a long wait, carrying its progress', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LongStop', status: 'ACTIVE', stoppingDuration: 1e9 });
    const handle = await start({ flowArn, pollsPerRun: 2, pollInterval: '5s' });
    // Watched with DescribeWorkflowExecution, not a query: on the time-skipping test server, a query
    // answered while the run's continue-as-new task is in flight can leave the first run's history
    // without its CONTINUED_AS_NEW event, so result() never returns (4 of 24 runs on a loaded machine;
    // 0 of 24 this way).
    const latestRunId = async () => (await bed.env.client.workflow.getHandle(handle.workflowId).describe()).runId;
    await waitFor('a second run', async () => (await latestRunId()) !== handle.firstExecutionRunId);
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
    expect(result.polls).toBeGreaterThanOrEqual(3); // the first run's 2 checks were carried over
    const firstRun = bed.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const firstEvents = await historyOf(firstRun);
    expect(countEvents(firstEvents, 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW')).toBe(1);
    expect(scheduledActivities(firstEvents)).toEqual(['describeFlow', 'stopFlow', 'describeFlow']);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(1);
  });

  it.each([
    ['an S3 ARN', { flowArn: 'arn:aws:s3:::my-bucket' }, 'InvalidFlowArn', '8 colon-separated parts'],
    [
      'a bad timeout',
      { flowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abc-def:X', timeout: 'soon' },
      'InvalidInput',
      'timeout',
    ],
  ])('fails %s with a clear non-retryable failure and schedules no activity', async (_label, input, type, says) => {
    const handle = await start(input as TakeFlowOfflineInput);
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe(type);
    expect(failure.message).toContain(says);
    expect(scheduledActivities(await historyOf(handle))).toEqual([]);
    expect(bed.sim.calls()).toHaveLength(0);
  });
});
