/**
 * bringFlowOnline on the time-skipping test server, against the MediaConnect simulator over
 * real HTTP through @aws-sdk/client-mediaconnect. Timers skip; HTTP is real.
 */
import { randomUUID } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '../../src/activities/classify-error';
import {
  flowStatusChangedSignal,
  progressQuery,
  type BringFlowOnlineInput,
  type bringFlowOnline,
} from '../../src/workflows/bring-flow-online';
import {
  activityAttempts,
  activityStartDelaysMs,
  countEvents,
  historyOf,
  scheduledActivities,
} from '../support/history';
import { workflowFailure } from '../support/failures';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'bring-flow-online-test';
const bed = useTestbed({ server: 'time-skipping', taskQueue, resetSimulatorBeforeEach: true });

function start(input: BringFlowOnlineInput) {
  return bed.env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', {
    args: [input],
    taskQueue,
    workflowId: `test-${randomUUID()}`,
  });
}

describe('bringFlowOnline', () => {
  it('starts the flow and completes once it is ACTIVE, after several status checks', async () => {
    const flowArn = bed.sim.createFlow({ name: 'AwardsShow', startingDescribes: 3 });
    const handle = await start({ flowArn });
    const result = await handle.result();
    // One check before the start, then three that see STARTING and one that sees ACTIVE.
    expect(result).toMatchObject({ flowArn, status: 'ACTIVE', startedByWorkflow: true, polls: 5 });
    expect(Date.parse(result.activeAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    expect(bed.sim.flowStatus(flowArn)).toBe('ACTIVE');
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(1);
    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual([
      'describeFlow',
      'startFlow',
      'describeFlow',
      'describeFlow',
      'describeFlow',
      'describeFlow',
    ]);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_STARTED')).toBe(4);
  });

  it('fails with FlowError carrying the flow’s own error messages when the flow goes to ERROR', async () => {
    const flowArn = bed.sim.createFlow({
      name: 'BrokenSource',
      startingDescribes: 1,
      outcome: 'ERROR',
      errorMessages: ['Source 10.0.0.1:5000 is not reachable', 'Output "main" has no destination'],
    });
    const failure = await workflowFailure(start({ flowArn }).then((h) => h.result()));
    expect(failure.type).toBe('FlowError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('Source 10.0.0.1:5000 is not reachable');
    expect(failure.details?.[0]).toMatchObject({
      errors: ['Source 10.0.0.1:5000 is not reachable', 'Output "main" has no destination'],
      lastStatus: 'ERROR',
    });
  });

  it('fails with NotFoundException after exactly one attempt for an unknown flow', async () => {
    const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:Nowhere';
    const handle = await start({ flowArn });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe('NotFoundException');
    expect(failure.message).toContain(flowArn);
    expect(activityAttempts(await historyOf(handle), 'describeFlow')).toEqual([1]);
    expect(bed.sim.calls()).toHaveLength(1);
  });

  it.each([
    ['forbidden', 'ForbiddenException'],
    ['badRequest', 'BadRequestException'],
    ['notFound', 'NotFoundException'],
  ] as const)('fails at once when StartFlow answers %s, with the service message', async (kind, type) => {
    const flowArn = bed.sim.createFlow({ name: `Refused-${kind}` });
    bed.sim.injectFault({ operation: 'StartFlow', kind, message: `simulated ${kind} for the test` });
    const handle = await start({ flowArn });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe(type);
    expect(failure.message).toContain(`simulated ${kind} for the test`);
    expect(activityAttempts(await historyOf(handle), 'startFlow')).toEqual([1]);
  });

  it('retries a throttled StartFlow (429, honouring Retry-After) and a 503 DescribeFlow, then succeeds', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Throttled', startingDescribes: 1 });
    bed.sim.injectFault({ operation: 'StartFlow', kind: 'throttle', retryAfterSeconds: 2, times: 2 });
    bed.sim.injectFault({ operation: 'DescribeFlow', kind: 'unavailable', times: 1 });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    const events = await historyOf(handle);
    expect(activityAttempts(events, 'startFlow')).toEqual([3]);
    expect(activityAttempts(events, 'describeFlow')[0]).toBe(2);
    expect(bed.sim.calls({ operation: 'StartFlow' }).map((c) => c.httpStatus)).toEqual([429, 429, 202]);
    // Time skips here, so read the server's clock: two Retry-After: 2 waits, not the 1 s + 2 s backoff.
    expect(activityStartDelaysMs(events, 'startFlow')[0]).toBeGreaterThanOrEqual(4000);
  });

  it('does not fail when a StartFlow that reached the service lost its answer and the retry finds the flow STARTING', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LostAnswer', startingDescribes: 2 });
    bed.sim.injectFault({ operation: 'StartFlow', kind: 'drop', applied: true });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    expect(bed.sim.calls({ operation: 'StartFlow' }).map((c) => c.httpStatus)).toEqual([undefined, 400]);
    expect(activityAttempts(await historyOf(handle), 'startFlow')).toEqual([2]);
  });

  it('does not retry StartFlow when the start took effect, its answer was lost and the retry is refused with 409', async () => {
    const flowArn = bed.sim.createFlow({
      name: 'LostAnswerConflict',
      startingDescribes: 2,
      alreadyStartedAnswer: 'Conflict',
    });
    bed.sim.injectFault({ operation: 'StartFlow', kind: 'drop', applied: true });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE', startedByWorkflow: true });
    // One start applied (its answer dropped), one refused with 409 and settled by reading the status.
    expect(bed.sim.calls({ operation: 'StartFlow' }).map((c) => c.httpStatus)).toEqual([undefined, 409]);
    expect(activityAttempts(await historyOf(handle), 'startFlow')).toEqual([2]);
  });

  it.each<[string, { errorName?: string; httpStatus?: number; retryAfter?: string }]>([
    ['a 429 renamed ThrottlingException, answered with 400', { errorName: 'ThrottlingException', httpStatus: 400 }],
    ['a 429 whose Retry-After is 401 digits long', { retryAfter: '9'.repeat(401) }],
    ['a 429 asking to wait a day', { retryAfter: '86400' }],
  ])('retries StartFlow after %s, waiting at most MAX_RETRY_AFTER_MS', async (_label, throttle) => {
    const flowArn = bed.sim.createFlow({ name: 'OddThrottle', startingDescribes: 1 });
    bed.sim.injectFault({ operation: 'StartFlow', kind: 'throttle', times: 1, ...throttle });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    const events = await historyOf(handle);
    expect(activityAttempts(events, 'startFlow')).toEqual([2]);
    expect(bed.sim.calls({ operation: 'StartFlow' }).map((c) => c.httpStatus)).toEqual([
      throttle.httpStatus ?? 429,
      202,
    ]);
    // Server time (it skips here): the retry came after the policy's backoff or the bounded Retry-After, never a day later.
    expect(activityStartDelaysMs(events, 'startFlow')[0]).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS + 10_000);
  });

  it('fails with FlowStartTimeout naming the last status when the deadline passes', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Slowpoke', startingDuration: 1e9 });
    const failure = await workflowFailure(
      start({ flowArn, timeout: '1m', pollInterval: '10s' }).then((h) => h.result()),
    );
    expect(failure.type).toBe('FlowStartTimeout');
    expect(failure.message).toMatch(/not ACTIVE after 60(\.\d)?s; last status STARTING/);
  });

  it('returns at once, without a start, for a flow that is already ACTIVE', async () => {
    const flowArn = bed.sim.createFlow({ name: 'OnAir', status: 'ACTIVE' });
    const handle = await start({ flowArn });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE', polls: 1, startedByWorkflow: false });
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(0);
    expect(countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_STARTED')).toBe(0);
  });

  it('waits without a second start for a flow someone else is already starting', async () => {
    const flowArn = bed.sim.createFlow({ name: 'AlreadyStarting', status: 'STARTING', startingDescribes: 2 });
    const result = await (await start({ flowArn })).result();
    expect(result).toMatchObject({ status: 'ACTIVE', startedByWorkflow: false });
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(0);
  });

  it.each([
    [
      'an ARN of another service',
      { flowArn: 'arn:aws:medialive:us-east-1:111122223333:flow:1-abc-def:X' },
      'InvalidFlowArn',
      'not "mediaconnect"',
    ],
    ['an S3 ARN', { flowArn: 'arn:aws:s3:::my-bucket' }, 'InvalidFlowArn', '8 colon-separated parts'],
    ['an empty ARN', { flowArn: '' }, 'InvalidFlowArn', 'empty'],
    [
      'a bad pollInterval',
      { flowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abc-def:X', pollInterval: 'often' },
      'InvalidInput',
      'pollInterval',
    ],
  ])('fails %s with a clear non-retryable failure and schedules no activity', async (_label, input, type, says) => {
    const handle = await start(input as BringFlowOnlineInput);
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe(type);
    expect(failure.message).toContain(says);
    expect(scheduledActivities(await historyOf(handle))).toEqual([]);
    expect(bed.sim.calls()).toHaveLength(0);
  });

  it('continues as new during a long wait, carrying its progress', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LongWait', startingDescribes: 7 });
    const handle = await start({ flowArn, pollsPerRun: 3 });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'ACTIVE', polls: 9, startedByWorkflow: true });
    const firstRun = bed.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect(countEvents(await historyOf(firstRun), 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW')).toBe(1);
    expect(scheduledActivities(await historyOf(firstRun))).toEqual([
      'describeFlow',
      'startFlow',
      'describeFlow',
      'describeFlow',
    ]); // 3 checks, then a new run
    const latest = await bed.env.client.workflow.getHandle(handle.workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(1);
  });

  it('answers the progress query with the last status, polls and elapsed time', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Watched', startingDuration: 1e9 });
    const handle = await start({ flowArn, pollInterval: '5s' });
    await bed.env.sleep('12s');
    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({
      flowArn,
      lastStatus: 'STARTING',
      startRequested: true,
      startedByWorkflow: true,
      run: 1,
    });
    expect(progress.polls).toBeGreaterThanOrEqual(2);
    expect(progress.elapsedMs).toBeGreaterThanOrEqual(10_000);
    await handle.terminate('test done');
  });

  it('fails with FlowStopped when someone stops the flow while it is starting', async () => {
    const flowArn = bed.sim.createFlow({ name: 'StoppedMeanwhile', startingDuration: 1e9 });
    const handle = await start({ flowArn, pollInterval: '5s' });
    await bed.env.sleep('6s');
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe('FlowStopped');
    expect(failure.message).toContain('STANDBY');
  });

  it('takes a confirmed status signal as a check of its own and wakes at once, without waiting for its timer', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Signalled', startingDuration: 1e9 });
    const handle = await start({ flowArn, pollInterval: '1h' });
    await waitFor(
      'the bring-up to see STARTING',
      async () => (await handle.query(progressQuery)).lastStatus === 'STARTING',
    );
    await handle.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE', confirmed: true });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE', polls: 1 });
    const events = await historyOf(handle);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(bed.sim.calls({ operation: 'DescribeFlow' })).toHaveLength(1);
  });
});
