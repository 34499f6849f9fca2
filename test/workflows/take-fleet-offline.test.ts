/**
 * takeFleetOffline, and takeFlowOffline started through the client helpers, on a real dev server
 * (real time, this package's search attributes declared), against a simulator serving two regions
 * over real HTTP: a fleet of every kind of flow, in both regions, settles each as takeFlowOffline
 * would, with one result per flow; signals cut waits short; cancelling ends CANCELLED.
 */
import { randomUUID } from 'node:crypto';
import { startTakeFleetOffline, startTakeFlowOffline, takeFlowOfflineWorkflowId } from '../../src/client';
import { FlowNameSearchAttribute, FlowRegionSearchAttribute, FlowStatusSearchAttribute } from '../../src/common';
import { flowStatusChangedSignal } from '../../src/workflows/flow-watch';
import { offlineFleetProgressQuery } from '../../src/workflows/offline-fleet-state';
import { offlineProgressQuery } from '../../src/workflows/take-flow-offline';
import { countEvents, historyOf, scheduledActivities } from '../support/history';
import { cancelledOutcome, CANCELLED } from '../support/failures';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'take-fleet-offline-test';
const bed = useTestbed({
  server: 'dev',
  taskQueue,
  simulator: { rateLimit: false, regions: ['us-east-1', 'us-west-2'] },
  resetSimulatorBeforeEach: true,
});

const UNKNOWN = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:Nowhere';

describe('takeFleetOffline', () => {
  it('takes a mixed fleet in two regions offline: one result per flow, StopFlow only where needed, each to its region', async () => {
    const flow = (name: string, options: object = {}, region = 'us-east-1') =>
      bed.sim.createFlow({ name, region, stoppingDuration: 500, ...options });
    const active = flow('OnAir', { status: 'ACTIVE' });
    const standby = flow('AlreadyOff');
    const stopping = flow('BeingStopped', { status: 'STOPPING' });
    const starting = flow('MidStart', { status: 'STARTING', startingDuration: 1_500 });
    const broken = flow('Broken', { status: 'ERROR' });
    const westActive = [
      flow('Backup1', { status: 'ACTIVE' }, 'us-west-2'),
      flow('Backup2', { status: 'ACTIVE' }, 'us-west-2'),
    ];
    const flowArns = [active, standby, stopping, starting, broken, ...westActive, UNKNOWN];
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns, pollInterval: '500ms' },
      { workflowId: `offline-fleet-${randomUUID()}`, taskQueue },
    );
    const report = await handle.result();

    expect(report).toMatchObject({ standby: 7, failed: 1, cancelled: 0, stops: 5 });
    expect(report.results.map((r) => [r.outcome, r.stops])).toEqual([
      ['STANDBY', 1],
      ['STANDBY', 0],
      ['STANDBY', 0],
      ['STANDBY', 1],
      ['STANDBY', 1],
      ['STANDBY', 1],
      ['STANDBY', 1],
      ['FAILED', 0],
    ]);
    expect(report.results[7].failure?.type).toBe('NotFoundException');
    for (const arn of flowArns.slice(0, 7)) expect(bed.sim.flowStatus(arn)).toBe('STANDBY');
    // Every StopFlow was accepted (none mid-start), and went to its flow's own region.
    const stops = bed.sim.calls({ operation: 'StopFlow' });
    expect(stops.map((c) => c.httpStatus)).toEqual([202, 202, 202, 202, 202]);
    expect(
      stops
        .filter((c) => c.region === 'us-west-2')
        .map((c) => c.flowArn)
        .sort(),
    ).toEqual([...westActive].sort());
    expect(
      stops
        .filter((c) => c.region === 'us-east-1')
        .map((c) => c.flowArn)
        .sort(),
    ).toEqual([active, starting, broken].sort());
    expect(bed.sim.calls().filter((c) => c.httpStatus === 404 && c.flowArn !== UNKNOWN)).toEqual([]);
    // The fleet runs no children: reads and stops are its own activities.
    const activities = new Set(scheduledActivities(await historyOf(handle)));
    expect(activities).toEqual(new Set(['readFlowStatuses', 'stopFlow']));
    expect((await handle.describe()).typedSearchAttributes.get(FlowRegionSearchAttribute)).toBe('us-east-1,us-west-2');
  }, 60_000);

  it('reads again as soon as a flowStatusChanged signal names one of its flows, instead of at its next read', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LongStop', status: 'STOPPING', stoppingDuration: 1e9 });
    const other = bed.sim.createFlow({ name: 'Other', status: 'STOPPING', stoppingDuration: 1e9 });
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns: [flowArn], pollInterval: '10m', timeout: '1h' },
      { workflowId: `offline-fleet-${randomUUID()}`, taskQueue },
    );
    await waitFor('the first read', async () => (await handle.query(offlineFleetProgressQuery)).reads === 1);
    // A change of a flow not in the fleet is dropped; then the fleet's own flow's.
    await handle.signal(flowStatusChangedSignal, { flowArn: other, currentStatus: 'STANDBY' });
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    await handle.signal(flowStatusChangedSignal, { flowArn, currentStatus: 'STANDBY', previousStatus: 'STOPPING' });
    const report = await handle.result();
    expect(report).toMatchObject({ standby: 1, reads: 2, stops: 0 });
    // The 10-minute wait for the next read never fired: only the short wait that spaces signalled reads did.
    const events = await historyOf(handle);
    const firedTimerIds = new Set(
      events.filter((e) => e.timerFiredEventAttributes).map((e) => String(e.timerFiredEventAttributes?.startedEventId)),
    );
    const firedTimeoutsS = events
      .filter((e) => firedTimerIds.has(String(e.eventId)))
      .map((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0));
    expect(firedTimeoutsS.every((seconds) => seconds <= 1)).toBe(true);
  }, 60_000);

  it('ends a flow not STANDBY by its deadline with FlowStopTimeout, the others unaffected', async () => {
    const stuck = bed.sim.createFlow({ name: 'Stuck', status: 'ACTIVE', stoppingDuration: 1e9 });
    const quick = bed.sim.createFlow({ name: 'Quick', status: 'ACTIVE', stoppingDuration: 100 });
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns: [stuck, quick], pollInterval: '500ms', timeout: '3s' },
      { workflowId: `offline-fleet-${randomUUID()}`, taskQueue },
    );
    const report = await handle.result();
    expect(report.results.map((r) => r.outcome)).toEqual(['FAILED', 'STANDBY']);
    expect(report.results[0].failure).toMatchObject({ type: 'FlowStopTimeout' });
    expect(report.results[0].failure?.message).toContain('last status STOPPING');
  }, 60_000);

  it('when cancelled, reports the flows still waiting CANCELLED with where they were left, and completes', async () => {
    const stuck = bed.sim.createFlow({ name: 'Stuck', status: 'ACTIVE', stoppingDuration: 1e9 });
    const off = bed.sim.createFlow({ name: 'Off' });
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns: [stuck, off], pollInterval: '1s' },
      { workflowId: `offline-fleet-${randomUUID()}`, taskQueue },
    );
    await waitFor(
      'the stop',
      async () => (await handle.query(offlineFleetProgressQuery)).flows[0].lastStatus === 'STOPPING',
    );
    await handle.cancel();
    const report = await handle.result();
    expect(report.results).toEqual([
      { flowArn: stuck, outcome: 'CANCELLED', lastStatus: 'STOPPING', stops: 1 },
      expect.objectContaining({ flowArn: off, outcome: 'STANDBY', stops: 0 }),
    ]);
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(1);
  }, 60_000);

  it('fails a malformed ARN before contacting Temporal, naming its position', async () => {
    await expect(
      startTakeFleetOffline(
        bed.env.client,
        { flowArns: [UNKNOWN, 'arn:aws:s3:::bucket'] },
        { workflowId: 'x', taskQueue },
      ),
    ).rejects.toMatchObject({ type: 'InvalidFlowArn', message: expect.stringContaining('flowArns[1]') });
  });
});

describe('takeFlowOffline through startTakeFlowOffline', () => {
  it('runs under the flow’s deterministic id with its search attributes, and keeps MediaConnectFlowStatus up to date', async () => {
    const flowArn = bed.sim.createFlow({ name: 'OnAir', status: 'ACTIVE', stoppingDuration: 300 });
    const handle = await startTakeFlowOffline(bed.env.client, { flowArn, pollInterval: '200ms' }, { taskQueue });
    expect(handle.workflowId).toBe(takeFlowOfflineWorkflowId(flowArn));
    expect(handle.workflowId).toMatch(/^take-flow-offline:OnAir:us-east-1:/);
    // A second start for the same flow attaches to the one running.
    const again = await startTakeFlowOffline(bed.env.client, { flowArn }, { taskQueue });
    expect(again.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
    const { typedSearchAttributes } = await handle.describe();
    expect({
      name: typedSearchAttributes.get(FlowNameSearchAttribute),
      region: typedSearchAttributes.get(FlowRegionSearchAttribute),
      status: typedSearchAttributes.get(FlowStatusSearchAttribute),
    }).toEqual({ name: 'OnAir', region: 'us-east-1', status: 'STANDBY' });
    expect(bed.sim.calls({ operation: 'StopFlow' })).toHaveLength(1);
  }, 60_000);

  it('ends CANCELLED when cancelled while it waits for STANDBY, with no further call', async () => {
    const flowArn = bed.sim.createFlow({ name: 'Stuck', status: 'ACTIVE', stoppingDuration: 1e9 });
    const handle = await startTakeFlowOffline(bed.env.client, { flowArn, pollInterval: '1h' }, { taskQueue });
    await waitFor('the stop', async () => (await handle.query(offlineProgressQuery)).lastStatus === 'STOPPING');
    const callsBefore = bed.sim.calls().length;
    await handle.cancel();
    expect(await cancelledOutcome(handle)).toEqual(CANCELLED);
    expect(bed.sim.calls()).toHaveLength(callsBefore);
    expect(countEvents(await historyOf(handle), 'EVENT_TYPE_TIMER_CANCELED')).toBe(1);
  }, 60_000);
});
