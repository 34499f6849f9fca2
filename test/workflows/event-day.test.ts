/**
 * eventDay on the time-skipping test server (hours pass in seconds), against the MediaConnect
 * simulator over real HTTP. The test server skips time only while a test awaits a result or calls
 * `env.sleep`; in between, the event day runs in real time, so a test can look at it (queries, the
 * history, the simulator's call log), break a flow mid-event and send signals. Assertions are on
 * outcomes: calls, statuses, incidents, the report; never on durations.
 */
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { flowStatusChangedSignal } from '../../src/workflows/bring-flow-online';
import {
  endEventSignal,
  eventDayProgressQuery,
  eventDayReportQuery,
  type eventDay,
  type EventDayInput,
} from '../../src/workflows/event-day';
import type { EventDayReport } from '../../src/common/event-day-records';
import { startEventDay } from '../../src/client';
import { historyOf, timersStartedMs } from '../support/history';
import { workflowFailure } from '../support/failures';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;

const taskQueue = 'event-day-test';
const bed = useTestbed({ server: 'time-skipping', taskQueue, resetSimulatorBeforeEach: true });

function startDay(input: EventDayInput): Promise<WorkflowHandleWithFirstExecutionRunId<typeof eventDay>> {
  return bed.env.client.workflow.start<typeof eventDay>('eventDay', {
    args: [input],
    taskQueue,
    workflowId: `event-day-${randomUUID()}`,
  });
}

function cameras(count: number, prefix = 'Camera'): string[] {
  return Array.from({ length: count }, (_, i) =>
    bed.sim.createFlow({ name: `${prefix}${i}`, startingDuration: 200, stoppingDuration: 100 }),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Waits (in real time) until the event day watches its flows, and returns its progress then. */
async function watching(handle: WorkflowHandle<typeof eventDay>) {
  await waitFor('the event day to watch its flows', async () => {
    const { phase } = await handle.query(eventDayProgressQuery);
    return phase === 'WATCHING';
  });
  return handle.query(eventDayProgressQuery);
}

/** The Web UI's current details of a workflow, as the UI reads them. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/** The start-to-fire timeouts (ms) of the timers the workflow started, in order. */
async function timersOf(handle: WorkflowHandle): Promise<number[]> {
  return timersStartedMs(await historyOf(handle));
}

describe('eventDay', () => {
  it('sleeps on a durable timer until onlineBy − leadTime, with no StartFlow before it, then reports readiness before onlineBy', async () => {
    const flows = cameras(3);
    const now = await bed.env.currentTimeMs();
    const onlineByMs = now + 3 * HOUR;
    const offlineAtMs = now + 5 * HOUR;
    const handle = await startDay({
      flowArns: flows,
      onlineBy: iso(onlineByMs),
      offlineAt: iso(offlineAtMs),
      leadTime: '30m',
      watchInterval: '30m',
    });

    await waitFor('the event day to start its timer', async () => (await timersOf(handle)).length > 0);
    const [timer] = await timersOf(handle);
    // One timer to onlineBy − leadTime (2.5 h from the start; the start came a moment after `now`).
    expect(timer).toBeLessThanOrEqual(2.5 * HOUR);
    expect(timer).toBeGreaterThan(2.5 * HOUR - 60_000);
    expect(await handle.query(eventDayProgressQuery)).toMatchObject({
      phase: 'WAITING',
      bringUpAt: iso(onlineByMs - 0.5 * HOUR),
      startedLate: false,
    });

    await bed.env.sleep(2 * HOUR); // two hours later: still asleep, nothing started
    expect((await handle.query(eventDayProgressQuery)).phase).toBe('WAITING');
    expect(bed.sim.calls({ operation: 'StartFlow' })).toHaveLength(0);
    expect(bed.sim.calls()).toHaveLength(0);

    await bed.env.sleep(0.5 * HOUR); // the timer fires: the fleet comes online
    const ready = await watching(handle);
    expect(ready).toMatchObject({ ready: true, statuses: { ACTIVE: 3 }, notActive: [] });
    expect(Date.parse(ready.readyAt as string)).toBeLessThan(onlineByMs);
    for (const arn of flows) expect(bed.sim.calls({ operation: 'StartFlow', flowArn: arn })).toHaveLength(1);
    expect(await currentDetails(handle)).toContain('ready: **yes**');

    const report = await handle.result();
    expect(report).toMatchObject({ phase: 'ENDED', ready: true, startedLate: false, active: 3, incidents: 0 });
    expect(report.endedEarly).toBeUndefined();
    for (const [i, flow] of report.flows.entries()) {
      expect(flow).toMatchObject({ flowArn: flows[i], lastStatus: 'STANDBY', incidents: [], restarts: 0 });
      expect(Date.parse(flow.activeAt as string)).toBeLessThan(onlineByMs);
      expect(Date.parse(flow.stoppedAt as string)).toBeGreaterThanOrEqual(offlineAtMs);
      // ACTIVE from before onlineBy until it was stopped at offlineAt: at least the event's two hours.
      expect(flow.activeSeconds).toBeGreaterThanOrEqual((offlineAtMs - onlineByMs) / 1000);
      expect(bed.sim.calls({ operation: 'StopFlow', flowArn: flow.flowArn })).toHaveLength(1);
    }
    // Online and offline are child fleets of their own.
    for (const child of ['online', 'offline'])
      expect((await bed.env.client.workflow.getHandle(`${handle.workflowId}/${child}`).describe()).status.name).toBe(
        'COMPLETED',
      );
  });

  it('reports a flow that drops to ERROR at once and, with restartOnError, restarts it', async () => {
    const flows = cameras(3);
    const handle = await startDay({
      flowArns: flows,
      onlineBy: '10m',
      leadTime: '10m',
      offlineAt: '6h',
      watchInterval: '30m',
      restartOnError: true,
    });
    const { reads } = await watching(handle);

    bed.sim.updateFlow(flows[1], { status: 'ERROR' });
    // As the EventBridge forwarder sends it: unconfirmed, so the event day confirms it with a read.
    await handle.signal(flowStatusChangedSignal, {
      flowArn: flows[1],
      currentStatus: 'ERROR',
      previousStatus: 'ACTIVE',
    });
    await waitFor('the restart to bring the flow back', async () => {
      const report = await handle.query(eventDayReportQuery);
      return report.flows[1].incidents[0]?.restart === 'ACTIVE';
    });

    const report = await handle.query(eventDayReportQuery);
    expect(report.flows[1]).toMatchObject({
      lastStatus: 'ACTIVE',
      restarts: 1,
      incidents: [{ status: 'ERROR', restart: 'ACTIVE', at: expect.any(String), recoveredAt: expect.any(String) }],
    });
    expect(report.signals).toEqual({ taken: 1, ignored: 0 });
    expect(report.reads).toBe(reads + 1); // the confirming read
    expect(bed.sim.calls({ operation: 'StartFlow', flowArn: flows[1] })).toHaveLength(2);
    expect(bed.sim.flowStatus(flows[1])).toBe('ACTIVE');
    // The restart is a child bring-up of its own.
    const restart = bed.env.client.workflow.getHandle(
      `${handle.workflowId}/restart-Camera1-${flows[1].split(':')[6]}-1`,
    );
    expect((await restart.describe()).status.name).toBe('COMPLETED');
    expect(await currentDetails(handle)).toContain('incident: Camera1 dropped to ERROR');

    await handle.signal(endEventSignal, { reason: 'test over' });
    const final = await handle.result();
    expect(final.flows[1].incidents).toHaveLength(1);
    expect(final).toMatchObject({ incidents: 1, restarts: 1 });
  });

  it('without restartOnError only reports the flow, found by the fallback read, and keeps reporting it until the end', async () => {
    const flows = cameras(2);
    const handle = await startDay({
      flowArns: flows,
      onlineBy: '10m',
      leadTime: '10m',
      offlineAt: '6h',
      watchInterval: '30m',
    });
    await watching(handle);

    bed.sim.updateFlow(flows[0], { status: 'STANDBY' });
    await bed.env.sleep('31m'); // no signal: the fallback read finds it
    await waitFor(
      'the incident to be reported',
      async () => (await handle.query(eventDayProgressQuery)).incidents === 1,
    );

    const progress = await handle.query(eventDayProgressQuery);
    expect(progress).toMatchObject({ restarts: 0, statuses: { ACTIVE: 1, STANDBY: 1 } });
    expect(progress.notActive).toEqual([{ flowArn: flows[0], status: 'STANDBY' }]);
    expect(await currentDetails(handle)).toContain('not ACTIVE: Camera0 (STANDBY)');
    expect(bed.sim.calls({ operation: 'StartFlow', flowArn: flows[0] })).toHaveLength(1);

    const report = await handle.result();
    expect(report.flows[0].incidents).toEqual([{ at: expect.any(String), status: 'STANDBY' }]);
    expect(report.flows[0].restarts).toBe(0);
    expect(report.flows[1].incidents).toEqual([]);
  });

  it('ignores a signal for a flow that is not in the event', async () => {
    const flows = cameras(2);
    const stranger = bed.sim.createFlow({ name: 'SomeoneElse', status: 'ACTIVE' });
    const handle = await startDay({
      flowArns: flows,
      onlineBy: '10m',
      leadTime: '10m',
      offlineAt: '6h',
      watchInterval: '30m',
    });
    const before = await watching(handle);

    bed.sim.updateFlow(stranger, { status: 'ERROR' });
    await handle.signal(flowStatusChangedSignal, { flowArn: stranger, currentStatus: 'ERROR' });
    await handle.signal(flowStatusChangedSignal, { currentStatus: 'ERROR' }); // names no flow at all
    await handle.signal(flowStatusChangedSignal); // no payload at all
    await waitFor(
      'the signals to be counted',
      async () => (await handle.query(eventDayProgressQuery)).signals.ignored === 3,
    );

    const after = await handle.query(eventDayProgressQuery);
    expect(after).toMatchObject({ incidents: 0, reads: before.reads, signals: { taken: 0, ignored: 3 } });
    expect(bed.sim.calls({ flowArn: stranger })).toHaveLength(0);
    await handle.signal(endEventSignal);
    expect((await handle.result()).incidents).toBe(0);
  });

  it('reads at most once a second for a storm of events, not once an event', async () => {
    const flows = cameras(2);
    const handle = await startDay({
      flowArns: flows,
      onlineBy: '10m',
      leadTime: '10m',
      offlineAt: '6h',
      watchInterval: '30m',
    });
    const before = await watching(handle);

    // Ten unconfirmed events, a fifth of a second apart (a flapping source, EventBridge's duplicates).
    for (let i = 0; i < 10; i += 1) {
      await handle.signal(flowStatusChangedSignal, { flowArn: flows[i % 2], currentStatus: 'ACTIVE' });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitFor(
      'every event to be taken',
      async () => (await handle.query(eventDayProgressQuery)).signals.taken === 10,
    );
    await waitFor('a read for them', async () => (await handle.query(eventDayProgressQuery)).reads > before.reads);

    const after = await handle.query(eventDayProgressQuery);
    expect(after.reads - before.reads).toBeLessThan(10);
    expect(after.incidents).toBe(0);
    await handle.signal(endEventSignal);
    await handle.result();
  });

  it('starts at once when onlineBy has passed, and the endEvent signal takes every flow offline early', async () => {
    const flows = cameras(3);
    const now = await bed.env.currentTimeMs();
    const offlineAtMs = now + 6 * HOUR;
    const handle = await startDay({
      flowArns: flows,
      onlineBy: iso(now - HOUR),
      offlineAt: iso(offlineAtMs),
      watchInterval: '30m',
    });
    expect(await watching(handle)).toMatchObject({ startedLate: true, ready: true });
    // No sleep before the bring-up: the fleet's child is the history's first command.
    const events = await historyOf(handle);
    const firstOf = (type: temporal.api.enums.v1.EventType) => events.findIndex((e) => e.eventType === type);
    expect(firstOf(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBeGreaterThan(0);
    expect(firstOf(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBeLessThan(
      firstOf(EventType.EVENT_TYPE_TIMER_STARTED),
    );

    await handle.signal(endEventSignal, { reason: 'the match was called off' });
    const report = await handle.result();

    expect(report.endedEarly).toMatchObject({ phase: 'WATCHING', reason: 'the match was called off' });
    expect(Date.parse(report.endedEarly?.at as string)).toBeLessThan(offlineAtMs);
    for (const flow of report.flows) {
      expect(Date.parse(flow.stoppedAt as string)).toBeLessThan(offlineAtMs);
      expect(bed.sim.calls({ operation: 'StopFlow', flowArn: flow.flowArn })).toHaveLength(1);
    }
    await waitFor('every flow to be STANDBY', () => flows.every((arn) => bed.sim.flowStatus(arn) === 'STANDBY'));
  });

  it('ended during its bring-up, cancels the bring-up and takes every flow offline', async () => {
    const flows = Array.from({ length: 2 }, (_, i) =>
      bed.sim.createFlow({ name: `Late${i}`, startingDuration: 3_000, stoppingDuration: 100 }),
    );
    const handle = await startDay({ flowArns: flows, onlineBy: '10m', leadTime: '10m', offlineAt: '6h' });
    await waitFor('both flows to be started', () => bed.sim.calls({ operation: 'StartFlow' }).length === 2);

    await handle.signal(endEventSignal, { reason: 'power cut' });
    // Awaited in real time (no time skipping): the flows finish STARTING, then go offline.
    await waitFor(
      'the event day to end',
      async () => (await handle.query(eventDayProgressQuery)).phase === 'ENDED',
      60_000,
    );
    const report = await handle.result();

    expect(report).toMatchObject({ ready: false, endedEarly: { phase: 'BRINGING_ONLINE', reason: 'power cut' } });
    for (const flow of report.flows) {
      expect(flow).toMatchObject({ lastStatus: 'STANDBY', stoppedAt: expect.any(String) });
      expect(flow.bringUpFailure).toMatch(/CANCELLED/);
    }
    expect(flows.map((arn) => bed.sim.flowStatus(arn))).toEqual(['STANDBY', 'STANDBY']);
    const fleet = bed.env.client.workflow.getHandle(`${handle.workflowId}/online`);
    expect((await fleet.describe()).status.name).toMatch(/CANCELLED|COMPLETED/);
  });

  it('ended before its bring-up begins, starts nothing and stops nothing', async () => {
    const flows = cameras(2);
    const handle = await startDay({ flowArns: flows, onlineBy: '3h', leadTime: '30m', offlineAt: '6h' });
    await waitFor('the event day to start its timer', async () => (await timersOf(handle)).length > 0);

    await handle.signal(endEventSignal, { reason: 'cancelled by the venue' });
    const report = await handle.result();

    expect(report).toMatchObject({
      phase: 'ENDED',
      ready: false,
      endedEarly: { phase: 'WAITING', reason: 'cancelled by the venue' },
      active: 0,
    });
    for (const flow of report.flows) expect(flow.stoppedAt).toBeUndefined();
    expect(bed.sim.calls()).toHaveLength(0);
  });

  it('continues as new over a long event, and its report survives it', async () => {
    const flows = cameras(2);
    const handle = await startDay({
      flowArns: flows,
      onlineBy: '10m',
      leadTime: '10m',
      offlineAt: '12h',
      watchInterval: '30m',
      readsPerRun: 4,
    });
    await watching(handle);
    bed.sim.updateFlow(flows[1], { status: 'ERROR' });
    await handle.signal(flowStatusChangedSignal, { flowArn: flows[1], currentStatus: 'ERROR' });
    await waitFor(
      'the incident in the first run',
      async () => (await handle.query(eventDayProgressQuery)).incidents === 1,
    );
    const incidentAt = (await handle.query(eventDayReportQuery)).flows[1].incidents[0].at;

    const report: EventDayReport = await handle.result();

    // 12 h of reads every 30 min, 4 per run: several runs, each ended by continue-as-new.
    expect(report.runs).toBeGreaterThanOrEqual(3);
    const firstRun = bed.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const firstHistory = await historyOf(firstRun);
    expect(firstHistory.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    // Every run's history is bounded by readsPerRun, however long the event: walk the runs.
    const runLengths: number[] = [];
    for (let runId: string | undefined = handle.firstExecutionRunId; runId;) {
      const events = await historyOf(bed.env.client.workflow.getHandle(handle.workflowId, runId));
      runLengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runLengths).toHaveLength(report.runs);
    for (const length of runLengths) expect(length).toBeLessThan(150); // 4 reads of ~11 events, the bring-up, the end
    expect(report).toMatchObject({ phase: 'ENDED', ready: true, incidents: 1, signals: { taken: 1, ignored: 0 } });
    expect(report.flows[1].incidents).toEqual([{ at: incidentAt, status: 'ERROR' }]);
    expect(report.flows[0].activeAt).toBeDefined();
    expect(report.reads).toBeGreaterThanOrEqual(12);
    for (const flow of report.flows) expect(flow.stoppedAt).toBeDefined();
  });

  it('on cancellation cancels its bring-up and leaves the flows as they are', async () => {
    const flows = Array.from({ length: 2 }, (_, i) => bed.sim.createFlow({ name: `Slow${i}`, startingDuration: 1e9 }));
    const handle = await startDay({ flowArns: flows, onlineBy: '10m', leadTime: '10m', offlineAt: '6h' });
    const fleet = bed.env.client.workflow.getHandle(`${handle.workflowId}/online`);
    await waitFor('both flows to be started', () => bed.sim.calls({ operation: 'StartFlow' }).length === 2);

    await handle.cancel();
    // Awaited in real time, as the fleet's own cancellation tests do (see bring-fleet-online.test.ts).
    const client = new Client({ connection: bed.env.connection, namespace: bed.env.namespace ?? 'default' });
    const failure = await client.workflow
      .getHandle(handle.workflowId)
      .result()
      .then(
        () => undefined,
        (err: Error & { cause?: Error }) => err.cause?.name,
      );

    expect(failure).toBe('CancelledFailure');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    await waitFor('the fleet to end', async () => (await fleet.describe()).status.name !== 'RUNNING');
    expect((await fleet.describe()).status.name).toMatch(/CANCELLED|COMPLETED/);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(0);
    expect(flows.map((arn) => bed.sim.flowStatus(arn))).toEqual(['STARTING', 'STARTING']);
  });

  it('refuses bad input with InvalidInput before anything runs', async () => {
    const [flow] = cameras(1);
    const failure = await workflowFailure(
      startDay({ flowArns: [flow], onlineBy: '2h', offlineAt: '1h' }).then((handle) => handle.result()),
    );
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(failure.message).toMatch(/^offlineAt \(.*\) must come after onlineBy/);
    expect(bed.sim.calls()).toHaveLength(0);
  });
});

describe('startEventDay', () => {
  const flow = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:AwardsShow';
  const soon = () => new Date(Date.now() + HOUR);
  const later = () => new Date(Date.now() + 4 * HOUR);
  it.each([
    [
      'offlineAt before onlineBy',
      { flowArns: [flow], onlineBy: later(), offlineAt: soon() },
      'InvalidInput',
      /offlineAt .* must come after onlineBy/,
    ],
    [
      'a negative relative time',
      { flowArns: [flow], onlineBy: '-1h', offlineAt: later() },
      'InvalidInput',
      /onlineBy must be an ISO 8601 time/,
    ],
    [
      'a negative leadTime',
      { flowArns: [flow], onlineBy: soon(), offlineAt: later(), leadTime: '-5m' },
      'InvalidInput',
      /leadTime must be between 0 ms/,
    ],
    [
      'a malformed ARN, naming its position',
      { flowArns: [flow, 'arn:aws:s3:::bucket'], onlineBy: soon(), offlineAt: later() },
      'InvalidFlowArn',
      /^flowArns\[1\]: Invalid MediaConnect flow ARN/,
    ],
    [
      'a flow listed twice',
      { flowArns: [flow, flow], onlineBy: soon(), offlineAt: later() },
      'InvalidInput',
      /flowArns\[1\] repeats flowArns\[0\]/,
    ],
    [
      'a time without its zone',
      { flowArns: [flow], onlineBy: '2026-11-28T19:00:00', offlineAt: later() },
      'InvalidInput',
      /needs its zone/,
    ],
    [
      'an event already over',
      { flowArns: [flow], onlineBy: new Date(Date.now() - 5 * HOUR), offlineAt: new Date(Date.now() - HOUR) },
      'InvalidInput',
      /offlineAt .* has already passed/,
    ],
    ['no flows', { flowArns: [], onlineBy: soon(), offlineAt: later() }, 'InvalidInput', /flowArns is empty/],
    [
      'a restartOnError that is not a boolean',
      { flowArns: [flow], onlineBy: soon(), offlineAt: later(), restartOnError: 'yes' },
      'InvalidInput',
      /restartOnError must be true or false/,
    ],
  ])('refuses %s before contacting Temporal', async (_what, input, type, message) => {
    const client = { workflow: { start: jest.fn() } } as unknown as Client;
    const error = (await startEventDay(client, input as EventDayInput, { workflowId: 'x' }).catch((err) => err)) as {
      type: string;
      message: string;
    };
    expect(error).toMatchObject({ type });
    expect(error.message).toMatch(message);
    expect((client.workflow.start as jest.Mock).mock.calls).toHaveLength(0);
  });
});
