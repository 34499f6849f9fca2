/**
 * A fleet takes its flows' EventBridge events (dev server, simulator emitting events, the
 * forwarder): each bring-up hands its unconfirmed change to the fleet, the fleet confirms the
 * changes that arrive together with one read of its own flows and signals each bring-up a
 * confirmed change. Counts and outcomes, never durations.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { startBringFleetOnline } from '../../src/client';
import { FlowArnSearchAttribute } from '../../src/common/search-attributes';
import { forwardFlowStatusChange, type ForwardFlowStatusChangeOptions } from '../../src/events/forward';
import type { FlowStatusEventOptions } from '../../src/testing';
import { flowStatusChangedSignal } from '../../src/workflows/bring-flow-online';
import { countEvents, historyOf, scheduledActivities, timersStartedMs } from '../support/history';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'fleet-events-test';
const bed = useTestbed({ server: 'dev', taskQueue, resetSimulatorBeforeEach: true });
const silent = { info: () => undefined, warn: () => undefined };
/** Forwards still under way: each test waits for its own before the next (and the server's shutdown). */
const inFlight: Promise<unknown>[] = [];
afterEach(async () => {
  bed.sim.emitStatusEvents(undefined);
  await Promise.allSettled(inFlight.splice(0));
});

function forwardEvents(events: Partial<FlowStatusEventOptions> = {}, options: ForwardFlowStatusChangeOptions = {}) {
  const forwarded: { flowArn: string; status?: string; signalled: string[] }[] = [];
  bed.sim.emitStatusEvents({
    ...events,
    target: (event) => {
      const forwarding = forwardFlowStatusChange(bed.env.client, event, { logger: silent, ...options }).then(
        (result) => {
          if (result.outcome === 'forwarded')
            forwarded.push({
              flowArn: result.flowArn,
              status: result.change.currentStatus,
              signalled: result.signalled,
            });
        },
      );
      inFlight.push(forwarding);
      return forwarding;
    },
  });
  return forwarded;
}

/** A fleet whose reads and bring-up checks are 10 minutes apart (unless `pollInterval`): only events end it within the test. */
async function startFleet(names: string[], pollInterval: '3s' | '10m' = '10m') {
  const flowArns = names.map((name) => bed.sim.createFlow({ name, startingDuration: 600_000 }));
  const fleet = await startBringFleetOnline(
    bed.env.client,
    { flowArns, pollInterval, childPollInterval: '10m', timeout: '30m' },
    { workflowId: `fleet-events-${Date.now()}`, taskQueue },
  );
  const childIds = flowArns.map((arn) => `${fleet.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`);
  // Visibility lags behind a start: the forwarder finds a bring-up once the lookup can see it.
  for (const flowArn of flowArns) {
    await waitFor('the bring-up to be visible', async () => {
      const query = `ExecutionStatus = 'Running' AND ${FlowArnSearchAttribute.name} = '${flowArn}'`;
      for await (const _ of bed.env.client.workflow.list({ query })) return true;
      return false;
    });
    await waitFor('the flow to be STARTING', () => bed.sim.flowStatus(flowArn) === 'STARTING');
  }
  return { fleet, flowArns, childIds };
}

/** MediaConnect status calls since `sinceMs`: DescribeFlows and ListFlows pages. */
function statusCallsSince(sinceMs: number): number {
  return [...bed.sim.calls({ operation: 'DescribeFlow' }), ...bed.sim.calls({ operation: 'ListFlows' })].filter(
    (call) => call.at >= sinceMs,
  ).length;
}

async function childChecks(childIds: string[]): Promise<number[]> {
  return Promise.all(
    childIds.map(async (id) =>
      scheduledActivities(await historyOf(bed.env.client.workflow.getHandle(id))).filter((t) => t === 'describeFlow'),
    ),
  ).then((lists) => lists.map((list) => list.length));
}

const readsOf = async (fleet: WorkflowHandle) =>
  scheduledActivities(await historyOf(fleet)).filter((type) => type === 'readFlowStatuses').length;

describe('a fleet confirms its flows’ EventBridge changes with its own reads', () => {
  it('flows turning ACTIVE together: fewer status calls than flows, every bring-up ACTIVE without a check of its own', async () => {
    const forwarded = forwardEvents();
    const names = Array.from({ length: 8 }, (_, i) => `Together${i + 1}`);
    const { fleet, flowArns, childIds } = await startFleet(names);
    // The first read that confirms a change is held back 3 s: the changes arriving meanwhile share the next read.
    bed.sim.injectFault({ kind: 'slow', operation: '*', delayMs: 3_000, times: 1 });
    const switchedAtMs = Date.now();
    for (const flowArn of flowArns) bed.sim.updateFlow(flowArn, { status: 'ACTIVE' });

    const result = await fleet.result();
    expect(result).toMatchObject({ active: 8, failed: 0, cancelled: 0 });
    expect(result.results.map((r) => r.outcome)).toEqual(flowArns.map(() => 'ACTIVE'));
    for (const id of childIds)
      expect(await bed.env.client.workflow.getHandle(id).result()).toMatchObject({ status: 'ACTIVE' });
    expect(statusCallsSince(switchedAtMs)).toBeLessThan(flowArns.length);
    expect(statusCallsSince(switchedAtMs)).toBeGreaterThanOrEqual(1);
    // No bring-up read its own flow: each handed its change to the fleet and ended on the fleet's confirmed signal.
    expect(await childChecks(childIds)).toEqual(childIds.map(() => 0));
    // The forwarder found each bring-up by its search attribute and signalled its fleet instead.
    const active = forwarded.filter((f) => f.status === 'ACTIVE');
    expect(active).toHaveLength(flowArns.length);
    for (const f of active) expect(f.signalled).toEqual([fleet.workflowId]);
    expect(countEvents(await historyOf(fleet), 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBeGreaterThanOrEqual(1);
  });

  it('changes arriving one after another are read at once: no pause (a short timer) between the fleet’s reads', async () => {
    forwardEvents();
    const names = Array.from({ length: 6 }, (_, i) => `OneByOne${i + 1}`);
    const { fleet, flowArns, childIds } = await startFleet(names);
    const timersBefore = timersStartedMs(await historyOf(fleet)).length;
    for (const flowArn of flowArns) {
      bed.sim.updateFlow(flowArn, { status: 'ACTIVE' });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }

    expect(await fleet.result()).toMatchObject({ active: 6, failed: 0, cancelled: 0 });
    expect(await childChecks(childIds)).toEqual(childIds.map(() => 0));
    // The only timers after the changes wait for the next timed read (10 minutes away). A pause
    // between event reads would be a timer of tens of milliseconds, which a busy server fires up to
    // a second late.
    const timersAfter = timersStartedMs(await historyOf(fleet)).slice(timersBefore);
    expect(timersAfter.filter((ms) => ms < 60_000)).toEqual([]);
  });

  it('a lost ACTIVE event: the fleet’s timed read still ends that bring-up', async () => {
    const { fleet, flowArns, childIds } = await startFleet(['Heard', 'Lost'], '3s');
    const lost = flowArns[1];
    forwardEvents({ drop: (event) => event.resources.includes(lost) && event.detail.currentStatus === 'ACTIVE' });
    for (const flowArn of flowArns) bed.sim.updateFlow(flowArn, { status: 'ACTIVE' });

    expect(await fleet.result()).toMatchObject({ active: 2, failed: 0 });
    expect(bed.sim.statusEventStats().dropped).toBe(1);
    // Neither bring-up checked on its own (their 10-minute timers never fired): the fleet told both.
    expect(await childChecks(childIds)).toEqual([0, 0]);
    const lostChild = await historyOf(bed.env.client.workflow.getHandle(childIds[1]));
    expect(countEvents(lostChild, 'EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(countEvents(lostChild, 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED')).toBe(0);
  });

  it('ignores changes for flows not in the fleet: no read for them', async () => {
    const { fleet, flowArns } = await startFleet(['Mine']);
    const readsBefore = await readsOf(fleet);
    const other = bed.sim.createFlow({ name: 'NotMine', startingDuration: 600_000 });
    // As a forwarder that names the fleet's type among its watchers would: the fleet gets every flow's changes.
    await fleet.signal(flowStatusChangedSignal, {
      flowArn: other,
      currentStatus: 'ACTIVE',
      previousStatus: 'STARTING',
    });
    await fleet.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE' });
    forwardEvents();
    bed.sim.updateFlow(flowArns[0], { status: 'ACTIVE' });

    expect(await fleet.result()).toMatchObject({ active: 1 });
    expect(bed.sim.calls({ operation: 'DescribeFlow', flowArn: other })).toHaveLength(0);
    const history = await historyOf(fleet);
    expect(countEvents(history, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBeGreaterThanOrEqual(3);
    // One read confirmed its own flow's change; the others' signals caused none.
    expect((await readsOf(fleet)) - readsBefore).toBe(1);
  });

  it('a change that decides nothing for a bring-up (UPDATING) is not passed to its fleet: no signal in its history', async () => {
    const { fleet, flowArns } = await startFleet(['Updating']);
    const forwarded = forwardEvents();
    bed.sim.updateFlow(flowArns[0], { status: 'UPDATING' });
    await waitFor('the UPDATING change to be forwarded', () => forwarded.some((f) => f.status === 'UPDATING'));
    bed.sim.updateFlow(flowArns[0], { status: 'ACTIVE' });

    expect(await fleet.result()).toMatchObject({ active: 1 });
    expect(forwarded.find((f) => f.status === 'UPDATING')?.signalled).toEqual([]);
    expect(forwarded.find((f) => f.status === 'ACTIVE')?.signalled).toEqual([fleet.workflowId]);
    expect(countEvents(await historyOf(fleet), 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBe(1);
  });

  it('a bring-up signalled an unconfirmed change hands it to its fleet, which confirms it: no check of its own', async () => {
    const { fleet, flowArns, childIds } = await startFleet(['HandedOver']);
    bed.sim.updateFlow(flowArns[0], { status: 'ACTIVE' });
    const child = bed.env.client.workflow.getHandle(childIds[0]);
    await child.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE', previousStatus: 'STARTING' });

    expect(await child.result()).toMatchObject({ status: 'ACTIVE', polls: 0 });
    expect(await fleet.result()).toMatchObject({ active: 1 });
    const history = await historyOf(child);
    expect(countEvents(history, 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED')).toBe(1);
    expect(countEvents(history, 'EVENT_TYPE_TIMER_FIRED')).toBe(0);
    expect(await childChecks(childIds)).toEqual([0]);
  });
});
