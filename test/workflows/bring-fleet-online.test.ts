/**
 * bringFleetOnline on the time-skipping test server, against the MediaConnect simulator over real
 * HTTP. Timers skip but the simulator's clock is real, so flows start in a short real time
 * (startingDuration) and the tests assert outcomes and call budgets, not exact poll counts.
 */
import { randomUUID } from 'node:crypto';
import { flowStatusChangedSignal, type bringFlowOnline } from '../../src/workflows/bring-flow-online';
import {
  fleetProgressQuery,
  type BringFleetOnlineInput,
  type bringFleetOnline,
} from '../../src/workflows/bring-fleet-online';
import { countEvents, historyOf, scheduledActivities } from '../support/history';
import { workflowFailure } from '../support/failures';
import { GOOD_ARN } from '../support/bad-inputs';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { flowIdOf, type ReadFlowStatusesInput, type ReadFlowStatusesResult } from '../../src/common/flow-status-reads';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;

const taskQueue = 'bring-fleet-online-test';
const bed = useTestbed({ server: 'time-skipping', taskQueue, resetSimulatorBeforeEach: true });

function startFleet(input: BringFleetOnlineInput) {
  return bed.env.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
    args: [input],
    taskQueue,
    workflowId: `fleet-${randomUUID()}`,
  });
}

/** Each `readFlowStatuses` activity of a fleet's history: its input and result, as the history stores them, and their size in bytes. */
async function readsOf(
  handle: WorkflowHandle,
): Promise<Array<{ input: ReadFlowStatusesInput; result?: ReadFlowStatusesResult; bytes: number }>> {
  const events = await historyOf(handle);
  const reads = new Map<string, { input: ReadFlowStatusesInput; result?: ReadFlowStatusesResult; bytes: number }>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'readFlowStatuses') {
      const payload = scheduled.input?.payloads?.[0] as temporal.api.common.v1.IPayload;
      reads.set(String(e.eventId), {
        input: defaultPayloadConverter.fromPayload(payload),
        bytes: payload.data?.length ?? 0,
      });
    }
    const completed = e.activityTaskCompletedEventAttributes;
    const read = completed && reads.get(String(completed.scheduledEventId));
    if (read) {
      const payload = completed.result?.payloads?.[0] as temporal.api.common.v1.IPayload;
      read.result = defaultPayloadConverter.fromPayload(payload);
      read.bytes += payload.data?.length ?? 0;
    }
  }
  return [...reads.values()];
}

/** The history's largest event in bytes, as the server stores it (reads and child starts are the big ones). */
async function largestEventBytes(handle: WorkflowHandle): Promise<number> {
  const events = await historyOf(handle);
  return Math.max(...events.map((e) => temporal.api.history.v1.HistoryEvent.encode(e).finish().length));
}

/**
 * A fleet's result, awaited in real time (the test server's time skipping stays locked) and for at
 * most `limitMs`. The cancellation tests wait this way. When the test server skips time while the
 * fleet's cancel requests are on their way to its bring-ups, a bring-up's fallback timer (2 min)
 * fires first and schedules a DescribeFlow; the test server then refuses the cancel of that
 * just-scheduled activity (`ACTIVITY_UNKNOWN`) and never times the bring-up's workflow task out, so
 * the fleet waits for it forever (seen once as a 120 s Jest timeout). In real time no such timer
 * fires; should a bring-up still not end, the test fails with this message instead of hanging.
 */
async function realTimeResult(handle: WorkflowHandle, limitMs = 60_000): Promise<unknown> {
  const client = new Client({ connection: bed.env.connection, namespace: bed.env.namespace ?? 'default' });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`fleet ${handle.workflowId} did not end within ${limitMs} ms: a bring-up was not cancelled`)),
      limitMs,
    );
  });
  try {
    return await Promise.race([client.workflow.getHandle(handle.workflowId).result(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when the history's last activity is a status read scheduled after its last bring-up ended cancelled. */
async function readAfterCancellation(handle: WorkflowHandle): Promise<boolean> {
  const events = await historyOf(handle);
  const lastCancelled = events
    .map((e) => e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED)
    .lastIndexOf(true);
  const lastRead = events
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'readFlowStatuses')
    .lastIndexOf(true);
  return lastCancelled >= 0 && lastRead > lastCancelled;
}

describe('bringFleetOnline', () => {
  it('reports 8 ACTIVE and 2 FAILED with their FlowError messages, and completes', async () => {
    const good = Array.from({ length: 8 }, (_, i) => bed.sim.createFlow({ name: `Camera${i}`, startingDuration: 300 }));
    const broken = [
      bed.sim.createFlow({
        name: 'BrokenA',
        startingDuration: 300,
        outcome: 'ERROR',
        errorMessages: ['Source 10.0.0.1:5000 is not reachable'],
      }),
      bed.sim.createFlow({
        name: 'BrokenB',
        startingDuration: 300,
        outcome: 'ERROR',
        errorMessages: ['Output "main" has no destination'],
      }),
    ];
    const handle = await startFleet({ flowArns: [...good.slice(0, 4), broken[0], ...good.slice(4), broken[1]] });
    const report = await handle.result();

    expect(report).toMatchObject({ active: 8, failed: 2, cancelled: 0 });
    expect(report.results.map((r) => r.flowArn)).toEqual([...good.slice(0, 4), broken[0], ...good.slice(4), broken[1]]);
    for (const arn of good)
      expect(report.results.find((r) => r.flowArn === arn)).toMatchObject({
        outcome: 'ACTIVE',
        lastStatus: 'ACTIVE',
        activeAt: expect.any(String),
      });
    expect(report.results.find((r) => r.flowArn === broken[0])).toMatchObject({
      outcome: 'FAILED',
      lastStatus: 'ERROR',
      failure: { type: 'FlowError', message: expect.stringContaining('Source 10.0.0.1:5000 is not reachable') },
    });
    expect(report.results.find((r) => r.flowArn === broken[1])?.failure).toMatchObject({
      type: 'FlowError',
      message: expect.stringContaining('Output "main" has no destination'),
    });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  it('watches with ListFlows: StartFlow once per flow, DescribeFlow only for the flows in ERROR', async () => {
    const flows = Array.from({ length: 10 }, (_, i) =>
      bed.sim.createFlow({ name: `Watched${i}`, startingDuration: 300, ...(i < 2 && { outcome: 'ERROR' as const }) }),
    );
    const handle = await startFleet({ flowArns: flows });
    const report = await handle.result();

    expect(report).toMatchObject({ active: 8, failed: 2 });
    for (const arn of flows) expect(bed.sim.calls({ operation: 'StartFlow', flowArn: arn })).toHaveLength(1);
    // Each ERROR flow costs one DescribeFlow for its messages; the small constant covers a
    // bring-up whose fallback timer fires while the test server skips time.
    expect(bed.sim.calls({ operation: 'DescribeFlow' }).length).toBeLessThanOrEqual(2 + 2);
    expect(report.readCalls.ListFlows).toBe(bed.sim.calls({ operation: 'ListFlows' }).length);
    // Child bring-ups are their own workflows, named after the fleet and the flow.
    const child = bed.env.client.workflow.getHandle(`${handle.workflowId}/Watched5-${flows[5].split(':')[6]}`);
    expect((await child.describe()).status.name).toBe('COMPLETED');
  });

  it('writes a history whose size does not grow with the account: its reads carry only its own flows', async () => {
    const fleetIn = async (otherFlows: number, tag: string) => {
      bed.sim.reset();
      if (otherFlows > 0) {
        bed.sim.createFlows(otherFlows / 2, { prefix: 'Active', status: 'ACTIVE' });
        bed.sim.createFlows(otherFlows / 2, { prefix: 'Standby' });
      }
      const flows = Array.from({ length: 6 }, (_, i) =>
        bed.sim.createFlow({ name: `${tag}${i}`, startingDuration: 300 }),
      );
      const handle = await startFleet({ flowArns: flows });
      expect(await handle.result()).toMatchObject({ active: 6, failed: 0 });
      return { flows, handle, reads: await readsOf(handle), largestEvent: await largestEventBytes(handle) };
    };
    const small = await fleetIn(0, 'Small');
    const big = await fleetIn(2500, 'Big');

    for (const { flows, reads } of [small, big]) {
      const ids = new Set(flows.map((arn) => arn.split(':')[6]));
      expect(reads.length).toBeGreaterThan(0);
      for (const { input, result } of reads) {
        // ListFlows reads name flow ids, DescribeFlow reads (a few flows left in the big account) ARNs.
        expect(
          Object.values(input.flows)
            .flat()
            .every((flow) => ids.has(flowIdOf(flow))),
        ).toBe(true);
        expect(Object.keys(result?.changed ?? {}).every((id) => ids.has(id))).toBe(true);
        expect(result?.missing).toEqual([]);
      }
    }
    expect(big.reads[0].result?.accountFlows).toBe(2506);
    expect(bed.sim.calls({ operation: 'ListFlows' }).length).toBeGreaterThanOrEqual(3); // the account's three pages were read
    // A ListFlows read costs the same bytes whatever the account holds (a few digits of accountFlows aside;
    // which later reads describe instead depends on how many flows are still waiting, i.e. on timing)...
    const listBytes = (reads: Array<{ input: ReadFlowStatusesInput; bytes: number }>) =>
      Math.max(...reads.filter((r) => r.input.operation === 'ListFlows').map((r) => r.bytes));
    expect(listBytes(big.reads)).toBeLessThanOrEqual(listBytes(small.reads) + 16);
    // ...and so does every event of the history: 2500 more flows in the account add nothing.
    expect(big.largestEvent).toBeLessThanOrEqual(small.largestEvent + 64);
  });

  it('reads a few waiting flows with DescribeFlow where ListFlows would page through a big account', async () => {
    bed.sim.createFlows(2500, { prefix: 'Other', status: 'ACTIVE' });
    const flows = Array.from({ length: 2 }, (_, i) => bed.sim.createFlow({ name: `Few${i}`, startingDuration: 1_500 }));
    const handle = await startFleet({ flowArns: flows, pollInterval: '1s' });
    const report = await handle.result();

    expect(report).toMatchObject({ active: 2, failed: 0 });
    const reads = await readsOf(handle);
    // The first read lists (it learns the account holds 2502 flows: 3 pages); later ones describe the 2 flows.
    expect(reads.map((r) => r.input.operation)).toEqual(['ListFlows', ...reads.slice(1).map(() => 'DescribeFlow')]);
    expect(reads.length).toBeGreaterThan(1);
    expect(report.readCalls).toEqual({
      ListFlows: 3,
      DescribeFlow: reads.slice(1).reduce((sum, r) => sum + (r.result?.calls ?? 0), 0),
    });
    expect(bed.sim.calls({ operation: 'ListFlows' })).toHaveLength(3);
    // DescribeFlow needs the ARNs. A read names the flows still waiting: both, until a read saw one ACTIVE
    // (they start within moments of each other, but on a busy machine one may come ACTIVE a read earlier).
    expect([...new Set(reads.slice(1).flatMap((r) => Object.values(r.input.flows).flat()))].sort()).toEqual(
      [...flows].sort(),
    );
    for (const read of reads.slice(1)) {
      const named = Object.values(read.input.flows).flat();
      expect(named.length).toBeGreaterThan(0);
      expect(named.every((arn) => flows.includes(arn))).toBe(true);
    }
  });

  it('with failFast, fails with FleetFailed at the first failure and cancels the other bring-ups', async () => {
    const slow = Array.from({ length: 3 }, (_, i) => bed.sim.createFlow({ name: `Slow${i}`, startingDuration: 1e9 }));
    const broken = bed.sim.createFlow({
      name: 'Broken',
      startingDuration: 300,
      outcome: 'ERROR',
      errorMessages: ['Source is not reachable'],
    });
    const handle = await startFleet({ flowArns: [...slow, broken], failFast: true });
    const failure = await workflowFailure(realTimeResult(handle));

    expect(failure.type).toBe('FleetFailed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('Flow Broken failed (FlowError');
    const report = failure.details?.[0] as {
      results: Array<{ flowArn: string; outcome: string; lastStatus?: string }>;
      failed: number;
      cancelled: number;
    };
    expect(report).toMatchObject({ failed: 1, cancelled: 3 });
    for (const arn of slow) {
      expect(report.results.find((r) => r.flowArn === arn)).toMatchObject({
        outcome: 'CANCELLED',
        lastStatus: 'STARTING',
      });
      const child = bed.env.client.workflow.getHandle(`${handle.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`);
      expect((await child.describe()).status.name).toBe('CANCELLED');
    }
    expect(await readAfterCancellation(handle)).toBe(true);
  });

  it('when cancelled, cancels the bring-ups still waiting and returns the last status of each flow', async () => {
    const done = bed.sim.createFlow({ name: 'AlreadyOn', status: 'ACTIVE' });
    const slow = Array.from({ length: 3 }, (_, i) => bed.sim.createFlow({ name: `Stuck${i}`, startingDuration: 1e9 }));
    const handle = await startFleet({ flowArns: [done, ...slow] });
    await waitFor(
      'the stuck flows to be STARTING and one flow ACTIVE',
      async () =>
        slow.every((arn) => bed.sim.flowStatus(arn) === 'STARTING') &&
        (await handle.query(fleetProgressQuery)).active === 1,
    );
    await handle.cancel();
    const report = (await realTimeResult(handle)) as Awaited<ReturnType<typeof handle.result>>;

    expect(report).toMatchObject({ active: 1, failed: 0, cancelled: 3 });
    expect(report.results[0]).toMatchObject({ flowArn: done, outcome: 'ACTIVE' });
    for (const arn of slow) {
      expect(report.results.find((r) => r.flowArn === arn)).toMatchObject({
        outcome: 'CANCELLED',
        lastStatus: 'STARTING',
      });
      const child = bed.env.client.workflow.getHandle(`${handle.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`);
      expect((await child.describe()).status.name).toBe('CANCELLED');
    }
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await readAfterCancellation(handle)).toBe(true);
  });

  it('keeps going when ListFlows reads fail after the snapshot: later reads and the bring-ups’ own timers take over', async () => {
    const flows = Array.from({ length: 3 }, (_, i) =>
      bed.sim.createFlow({ name: `Unread${i}`, startingDuration: 300 }),
    );
    const handle = await startFleet({ flowArns: flows });
    await waitFor('3 StartFlow calls', () => bed.sim.calls({ operation: 'StartFlow' }).length === 3);
    bed.sim.injectFault({ operation: 'ListFlows', kind: 'forbidden', times: 3 });
    const report = await handle.result();

    expect(report).toMatchObject({ active: 3, failed: 0 });
    expect(bed.sim.calls({ operation: 'ListFlows' }).filter((c) => c.httpStatus === 403)).toHaveLength(3);
  });

  it('waits for a free slot beyond maxConcurrent and still brings every flow online', async () => {
    const flows = Array.from({ length: 5 }, (_, i) =>
      bed.sim.createFlow({ name: `Queued${i}`, startingDuration: 300 }),
    );
    const handle = await startFleet({ flowArns: flows, maxConcurrent: 2 });
    expect(await handle.result()).toMatchObject({ active: 5, failed: 0 });
    const events = await historyOf(handle);
    expect(countEvents(events, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED')).toBe(5);
    // Never more than two bring-ups at once: each start beyond the second follows a completion.
    let inFlight = 0;
    let most = 0;
    for (const e of events) {
      if (e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
        most = Math.max(most, ++inFlight);
      if (e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) inFlight -= 1;
    }
    expect(most).toBe(2);
  });

  it.each([
    ['an empty list', { flowArns: [] }, 'InvalidInput', 'flowArns is empty'],
    ['a duplicate ARN', { flowArns: [GOOD_ARN, GOOD_ARN] }, 'InvalidInput', 'flowArns[1] repeats flowArns[0]'],
    [
      'a malformed ARN among good ones',
      { flowArns: [GOOD_ARN, 'arn:aws:s3:::my-bucket'] },
      'InvalidFlowArn',
      'flowArns[1]: Invalid MediaConnect flow ARN',
    ],
    ['no list at all', {}, 'InvalidInput', 'expects an object { flowArns'],
    ['a bad maxConcurrent', { flowArns: [GOOD_ARN], maxConcurrent: 0 }, 'InvalidInput', 'maxConcurrent'],
    [
      'too many reads for the history',
      { flowArns: [GOOD_ARN], timeout: '24h', pollInterval: '1s' },
      'InvalidInput',
      'lengthen pollInterval or shorten timeout',
    ],
  ])('fails at once on %s, before any activity or MediaConnect call', async (_label, input, type, says) => {
    const handle = await startFleet(input as BringFleetOnlineInput);
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe(type);
    expect(failure.message).toContain(says);
    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual([]);
    expect(countEvents(events, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED')).toBe(0);
    expect(bed.sim.calls()).toHaveLength(0);
  });
});

describe('bringFlowOnline signal fast path', () => {
  it('wakes on a flowStatusChanged signal instead of its 1 h timer and confirms with one DescribeFlow', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Signalled', startingDuration: 300 });
    const handle = await bed.env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', {
      args: [{ flowArn, pollInterval: '1h' }],
      taskQueue,
      workflowId: `signalled-${randomUUID()}`,
    });
    // Nothing awaits the result yet, so time does not skip: the 1 h timer is pending.
    await waitFor(
      'the flow to be ACTIVE with one timer started',
      async () =>
        bed.sim.flowStatus(flowArn) === 'ACTIVE' &&
        countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_STARTED') === 1,
    );
    await handle.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE' });
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE', polls: 2 });

    const events = await historyOf(handle);
    expect(scheduledActivities(events)).toEqual(['describeFlow', 'startFlow', 'describeFlow']);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_STARTED')).toBe(1);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(countEvents(events, 'EVENT_TYPE_TIMER_CANCELED')).toBe(1);
  });
});
