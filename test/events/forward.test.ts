/**
 * The EventBridge fast path end to end on a real dev server: the simulator emits MediaConnect's
 * status change events, `forwardFlowStatusChange` signals the workflows waiting on the flow (a
 * bring-up by its deterministic id, a fleet child by the `MediaConnectFlowArn` search attribute,
 * an `eventDay` watcher by its workflow type), and the bring-ups end on the event instead of their
 * next timer. Lost, late, duplicate and reordered events still end correctly: the timer loop is
 * the guarantee.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  bringFlowOnlineWorkflowId,
  startBringFleetOnline,
  startBringFlowOnline,
  startTakeFleetOffline,
  startTakeFlowOffline,
  takeFlowOfflineWorkflowId,
} from '../../src/client';
import { FlowArnSearchAttribute } from '../../src/common/search-attributes';
import {
  forwardFlowStatusChange,
  type ForwardFlowStatusChangeOptions,
  type ForwardFlowStatusChangeResult,
} from '../../src/events/forward';
import type { FlowStatusEventOptions } from '../../src/testing';
import type { FlowStatusChangeEvent } from '../../src/events/flow-status-event';
import { flowStatusChangeEvent } from '../support/flow-status-event';
import { countEvents, historyOf, scheduledActivities } from '../support/history';
import { freePort } from '../support/ports';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'events-forward-test';
const bed = useTestbed({
  server: 'dev',
  taskQueue,
  worker: { workerOptions: { workflowsPath: require.resolve('./fixtures/watcher-workflows') } },
  resetSimulatorBeforeEach: true,
});

const logged: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
const logger = {
  info: (message: string, meta?: Record<string, unknown>) => logged.push({ level: 'info', message, meta }),
  warn: (message: string, meta?: Record<string, unknown>) => logged.push({ level: 'warn', message, meta }),
};
beforeEach(() => (logged.length = 0));

/** Sends the simulator's events through the forwarder, and keeps what it answered. */
function forwardEvents(
  events: Partial<FlowStatusEventOptions> = {},
  options: ForwardFlowStatusChangeOptions = {},
): ForwardFlowStatusChangeResult[] {
  const results: ForwardFlowStatusChangeResult[] = [];
  bed.sim.emitStatusEvents({
    ...events,
    target: async (event: FlowStatusChangeEvent) =>
      results.push(await forwardFlowStatusChange(bed.env.client, event, { logger, ...options })),
  });
  return results;
}

async function timersAndSignals(handle: WorkflowHandle) {
  const history = await historyOf(handle);
  // How long each fired timer was set for: a workflow woken by events fires none of its poll-interval timers.
  const setFor = new Map(
    history
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => [
        e.timerStartedEventAttributes?.timerId,
        Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0),
      ]),
  );
  return {
    longestTimerFiredS: Math.max(
      0,
      ...history
        .filter((e) => e.timerFiredEventAttributes)
        .map((e) => setFor.get(e.timerFiredEventAttributes?.timerId) ?? 0),
    ),
    timersFired: countEvents(history, 'EVENT_TYPE_TIMER_FIRED'),
    signals: countEvents(history, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED'),
    describeFlows: scheduledActivities(history).filter((type) => type === 'describeFlow').length,
  };
}

describe('forwardFlowStatusChange to a single bring-up', () => {
  it('ends the bring-up on the ACTIVE event, not on its next timer: 2 status checks, no timer fired', async () => {
    const results = forwardEvents();
    const flowArn = bed.sim.createFlow({ name: 'Fast', startingDuration: 1_500 });
    // A 10-minute poll interval: only the event can end this bring-up within the test's time.
    const handle = await startBringFlowOnline(
      bed.env.client,
      { flowArn, pollInterval: '10m', timeout: '30m' },
      { taskQueue },
    );
    const result = await handle.result();

    expect(result.polls).toBeLessThanOrEqual(2);
    expect(await timersAndSignals(handle)).toMatchObject({ timersFired: 0, describeFlows: result.polls });
    expect((await timersAndSignals(handle)).signals).toBeGreaterThanOrEqual(1);
    expect(bed.sim.calls({ operation: 'DescribeFlow', flowArn })).toHaveLength(result.polls);
    // The STARTING event after its own StartFlow is an echo: the bring-up did not spend a check on it.
    const active = results.find((r) => r.outcome === 'forwarded' && r.change.currentStatus === 'ACTIVE');
    expect(active).toMatchObject({ outcome: 'forwarded', flowArn, signalled: [handle.workflowId], skipped: [] });
    expect(active).toMatchObject({ change: { flowArn, previousStatus: 'STARTING', currentStatus: 'ACTIVE' } });
  });

  it('reports a flow with no running workflow as not running, which is no error', async () => {
    const results = forwardEvents();
    const flowArn = bed.sim.createFlow({ name: 'Nobody' });
    bed.sim.updateFlow(flowArn, { status: 'STARTING' });
    await waitFor('the forwarder to answer', () => results.length === 1);
    expect(results[0]).toEqual({
      outcome: 'forwarded',
      flowArn,
      change: expect.objectContaining({ currentStatus: 'STARTING', previousStatus: 'STANDBY' }),
      signalled: [],
      notRunning: [bringFlowOnlineWorkflowId(flowArn), takeFlowOfflineWorkflowId(flowArn)].sort(),
      skipped: [],
    });
  });
});

describe('events that are lost, late, duplicated or out of order', () => {
  const start = (name: string, pollInterval: '1s' | '10m') => {
    const flowArn = bed.sim.createFlow({ name, startingDuration: 1_500 });
    return startBringFlowOnline(bed.env.client, { flowArn, pollInterval, timeout: '30m' }, { taskQueue });
  };

  it('a lost ACTIVE event: the timer loop still ends the bring-up', async () => {
    forwardEvents({ drop: (event) => event.detail.currentStatus === 'ACTIVE' });
    const handle = await start('Lost', '1s');
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    expect((await timersAndSignals(handle)).timersFired).toBeGreaterThanOrEqual(1);
    expect(bed.sim.statusEventStats().dropped).toBe(1);
  });

  it('a late ACTIVE event: the timer loop ends the bring-up first; the late signal finds it not running', async () => {
    const results = forwardEvents({ delayMs: (event) => (event.detail.currentStatus === 'ACTIVE' ? 8_000 : 0) });
    const handle = await start('Late', '1s');
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    expect((await timersAndSignals(handle)).timersFired).toBeGreaterThanOrEqual(1);
    await waitFor('the late event', () => results.length === 2, 30_000);
    expect(results[1]).toMatchObject({
      outcome: 'forwarded',
      signalled: [],
      notRunning: expect.arrayContaining([handle.workflowId]),
    });
  });

  it('duplicated events: one bring-up, ended by the event, at most 2 status checks', async () => {
    forwardEvents({ duplicates: 2 });
    const handle = await start('Twice', '10m');
    const result = await handle.result();
    expect(result.polls).toBeLessThanOrEqual(2);
    expect((await timersAndSignals(handle)).timersFired).toBe(0);
  });

  it('ACTIVE before STARTING (reordered): the stale STARTING does not hide the ACTIVE', async () => {
    forwardEvents({ reorderWindowMs: 3_000 });
    const handle = await start('Reordered', '10m');
    const result = await handle.result();
    expect(result.polls).toBeLessThanOrEqual(2);
    expect((await timersAndSignals(handle)).timersFired).toBe(0);
    const delivered = bed.sim.statusEventStats().events.map((event) => event.detail.currentStatus);
    expect(delivered).toEqual(['STARTING', 'ACTIVE']);
  });
});

describe('forwardFlowStatusChange to fleet children and watchers', () => {
  it('finds a fleet child by the MediaConnectFlowArn search attribute, signals its fleet, and the child ends on the event', async () => {
    const results = forwardEvents();
    const flowArns = ['Cam1', 'Cam2'].map((name) => bed.sim.createFlow({ name, startingDuration: 600_000 }));
    const fleet = await startBringFleetOnline(
      bed.env.client,
      { flowArns, pollInterval: '10m', childPollInterval: '10m', timeout: '30m' },
      { workflowId: `events-fleet-${Date.now()}`, taskQueue },
    );
    const childIds = flowArns.map((arn) => `${fleet.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`);
    // Visibility lags behind a start: turn the flows ACTIVE once the lookup can see the children.
    for (const flowArn of flowArns) {
      await waitFor('the child to be visible', async () => {
        const query = `ExecutionStatus = 'Running' AND ${FlowArnSearchAttribute.name} = '${flowArn}'`;
        for await (const _ of bed.env.client.workflow.list({ query })) return true;
        return false;
      });
      await waitFor('the flow to be STARTING', () => bed.sim.flowStatus(flowArn) === 'STARTING');
      bed.sim.updateFlow(flowArn, { status: 'ACTIVE' });
    }
    expect(await fleet.result()).toMatchObject({ active: 2, failed: 0 });

    for (const [i, childId] of childIds.entries()) {
      const child = bed.env.client.workflow.getHandle(childId);
      expect(await timersAndSignals(child)).toMatchObject({ timersFired: 0 });
      const forwarded = results.find(
        (r) => r.outcome === 'forwarded' && r.flowArn === flowArns[i] && r.change.currentStatus === 'ACTIVE',
      );
      // Reached through its fleet (its parent), which confirms and signals the bring-up a confirmed change.
      expect(forwarded).toMatchObject({
        signalled: [fleet.workflowId],
        notRunning: [bringFlowOnlineWorkflowId(flowArns[i]), takeFlowOfflineWorkflowId(flowArns[i])].sort(),
      });
    }
  });

  it('signals running watchers of the configured workflow types, which keep only their own flows', async () => {
    forwardEvents({}, { watcherWorkflowTypes: ['eventDay'] });
    const mine = bed.sim.createFlow({ name: 'Mine', startingDuration: 600_000 });
    const other = bed.sim.createFlow({ name: 'Other', startingDuration: 600_000 });
    const watcher = await bed.env.client.workflow.start('eventDay', {
      args: [{ flowArns: [mine] }],
      taskQueue,
      workflowId: `watcher-${Date.now()}`,
    });
    await waitFor('the watcher to be visible', async () => {
      for await (const _ of bed.env.client.workflow.list({
        query: `WorkflowType = 'eventDay' AND ExecutionStatus = 'Running'`,
      }))
        return true;
      return false;
    });
    bed.sim.updateFlow(other, { status: 'ACTIVE' });
    bed.sim.updateFlow(mine, { status: 'ACTIVE' });
    const report = (await watcher.result()) as { taken: { flowArn: string; currentStatus: string }[]; others: number };
    expect(report.taken).toEqual([
      expect.objectContaining({ flowArn: mine, currentStatus: 'ACTIVE', previousStatus: 'STANDBY' }),
    ]);
    expect(report.others).toBe(1);
  });
});

describe('forwardFlowStatusChange to the workflows that take flows offline', () => {
  it('ends a take-offline, found by its deterministic id, on the STANDBY event: no timer fired', async () => {
    const results = forwardEvents();
    const flowArn = bed.sim.createFlow({ name: 'GoingOff', status: 'ACTIVE', stoppingDuration: 1_500 });
    const handle = await startTakeFlowOffline(
      bed.env.client,
      { flowArn, pollInterval: '10m', timeout: '30m' },
      { taskQueue },
    );
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'STANDBY' });
    expect(result.polls).toBeLessThanOrEqual(2);
    expect(await timersAndSignals(handle)).toMatchObject({ timersFired: 0 });
    const standby = results.find((r) => r.outcome === 'forwarded' && r.change.currentStatus === 'STANDBY');
    expect(standby).toMatchObject({ signalled: [takeFlowOfflineWorkflowId(flowArn)] });
  });

  it('wakes a takeFleetOffline (a watcher of many flows, by its workflow type) on its flows’ events: its 10-minute read timer never fires', async () => {
    forwardEvents();
    const flowArns = ['Off1', 'Off2'].map((name) =>
      bed.sim.createFlow({ name, status: 'ACTIVE', stoppingDuration: 1_500 }),
    );
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns, pollInterval: '10m', timeout: '30m' },
      { taskQueue, workflowId: `events-offline-fleet-${Date.now()}` },
    );
    expect(await handle.result()).toMatchObject({ standby: 2, failed: 0 });
    // Its 10-minute read timer never fired (it paces reads brought forward by signals with timers of a second or so).
    expect((await timersAndSignals(handle)).longestTimerFiredS).toBeLessThan(600);
    expect((await timersAndSignals(handle)).signals).toBeGreaterThanOrEqual(2);
  });
});

describe('events that are not flow status changes', () => {
  const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abc-def:Dropped';
  const valid = flowStatusChangeEvent(flowArn);
  it.each([
    [
      'an Output Health event',
      { ...valid, 'detail-type': 'MediaConnect Output Health', detail: { current: { state: 'HEALTHY' } } },
      /detail-type is "MediaConnect Output Health"/,
    ],
    ['another service', { ...valid, source: 'aws.medialive' }, /source is "aws.medialive"/],
    ['not an object', 'hello', /not an object, got string/],
    ['null', null, /not an object, got null/],
    ['two resources', { ...valid, resources: [flowArn, flowArn] }, /exactly one flow ARN, got an array of 2/],
    ['a malformed ARN', { ...valid, resources: ['arn:aws:s3:::bucket'] }, /resources\[0\] is not a flow ARN/],
    [
      'an unknown status',
      { ...valid, detail: { previousStatus: 'STARTING', currentStatus: 'RUNNING' } },
      /currentStatus "RUNNING" is not a flow status/,
    ],
    ['no detail', { ...valid, detail: undefined }, /detail is not an object/],
    ["a region that is not the flow's", { ...valid, region: 'eu-west-1' }, /region "eu-west-1" is not its flow's/],
  ])('drops %s, logs why, and signals nothing', async (_label, event, reason) => {
    const result = await forwardFlowStatusChange(bed.env.client, event, { logger });
    expect(result).toEqual({ outcome: 'dropped', reason: expect.stringMatching(reason) });
    expect(logged).toEqual([
      expect.objectContaining({ level: 'warn', meta: { reason: result.outcome === 'dropped' && result.reason } }),
    ]);
  });

  it('cuts a huge value short in the reason it logs', async () => {
    const result = await forwardFlowStatusChange(bed.env.client, { ...valid, source: 'x'.repeat(100_000) }, { logger });
    expect(result.outcome === 'dropped' && result.reason.length).toBeLessThan(300);
  });

  it('refuses options that cannot work, naming them', async () => {
    await expect(
      forwardFlowStatusChange(bed.env.client, valid, { watcherWorkflowTypes: ["x' OR 1=1"] }),
    ).rejects.toThrow(/watcherWorkflowTypes holds "x' OR 1=1"/);
    await expect(forwardFlowStatusChange(bed.env.client, valid, { maxLookupResults: 0 })).rejects.toThrow(
      /maxLookupResults/,
    );
  });
});

describe('when Temporal cannot be reached', () => {
  it('throws, so that Lambda retries the event, and logs nothing as forwarded', async () => {
    // No gRPC retry interceptor: a retry still scheduled when the connection closes would throw from
    // its timer ("Channel has been shut down") in whichever suite runs next.
    const connection = Connection.lazy({
      address: `127.0.0.1:${await freePort()}`,
      connectTimeout: 1_000,
      interceptors: [],
    });
    const client = new Client({ connection });
    try {
      const failure = await forwardFlowStatusChange(
        client,
        flowStatusChangeEvent(bed.sim.createFlow({ name: 'Unreachable' })),
        {
          logger,
        },
      ).catch((err: Error) => err);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).name).not.toBe('WorkflowNotFoundError');
      expect(logged.filter((line) => line.message.startsWith('Forwarded'))).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
