/**
 * A fleet's event reads while its starts still go out (dev server, simulator emitting events, the
 * forwarder, a request budget at MediaConnect's 5/s): flows turn ACTIVE at the pace their starts go
 * out, and each event read would take a start's token, so the fleet keeps its event reads
 * `EVENT_READ_GAP_WHILE_STARTING_MS` apart until its starts are out. Counts and outcomes: the gap
 * is a workflow timer, which never fires early, so the bound holds on any machine.
 */
import { startBringFleetOnline } from '../../src/client';
import { forwardFlowStatusChange } from '../../src/events/forward';
import { EVENT_READ_GAP_WHILE_STARTING_MS } from '../../src/workflows/fleet-events';
import { historyOf, timersStartedMs } from '../support/history';
import { useQuotaTestbed } from '../support/testbed';

const taskQueue = 'fleet-events-while-starting-test';
const bed = useQuotaTestbed(taskQueue, { requestsPerSecond: 5, burst: 5 });
const silent = { info: () => undefined, warn: () => undefined };
const inFlight: Promise<unknown>[] = [];
afterAll(async () => {
  bed.sim.emitStatusEvents(undefined);
  await Promise.allSettled(inFlight.splice(0));
});

const msOf = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

describe('a fleet with events, while its starts go out', () => {
  it('keeps its event reads a gap apart, so that they leave the starts their tokens; every flow still comes ACTIVE', async () => {
    bed.sim.emitStatusEvents({
      target: (event) => {
        const forwarding = forwardFlowStatusChange(bed.env.client, event, { logger: silent });
        inFlight.push(forwarding);
        return forwarding;
      },
    });
    // 150 flows: their starts take about 30 s at 5/s, and each flow turns ACTIVE 300 ms after its start.
    const flowArns = Array.from({ length: 150 }, (_, i) =>
      bed.sim.createFlow({ name: `Paced${i}`, startingDuration: 300 }),
    );
    const fleet = await startBringFleetOnline(
      bed.env.client,
      { flowArns, pollInterval: '30s' },
      { workflowId: `fleet-paced-events-${Date.now()}`, taskQueue },
    );
    expect(await fleet.result()).toMatchObject({ active: 150, failed: 0 });

    const history = await historyOf(fleet);
    // The fleet held event reads back: timers of at most the gap (its next timed read is further away).
    const gapTimers = timersStartedMs(history).filter((ms) => ms <= EVENT_READ_GAP_WHILE_STARTING_MS);
    expect(gapTimers.length).toBeGreaterThan(0);
    // From the first gap to the last StartFlow, at most one event read per gap, plus the timed reads
    // (10 s apart while starts go out) and the read under way. Without the gap, a read per change:
    // two to three a second.
    const firstGapAtMs = msOf(
      history.find(
        (e) =>
          e.timerStartedEventAttributes &&
          msOf(e.timerStartedEventAttributes.startToFireTimeout) <= EVENT_READ_GAP_WHILE_STARTING_MS,
      )?.eventTime,
    );
    const lastStartAtMs = Math.max(...bed.sim.calls({ operation: 'StartFlow' }).map((c) => c.at));
    const windowMs = lastStartAtMs - firstGapAtMs;
    const readsInWindow = history.filter(
      (e) =>
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'readFlowStatuses' &&
        msOf(e.eventTime) >= firstGapAtMs &&
        msOf(e.eventTime) <= lastStartAtMs,
    ).length;
    // The gap began while most starts were still to go (a count, not a time: the quota sets the pace).
    const startsInWindow = bed.sim.calls({ operation: 'StartFlow' }).filter((c) => c.at >= firstGapAtMs).length;
    expect(startsInWindow).toBeGreaterThanOrEqual(25);
    expect(readsInWindow).toBeLessThanOrEqual(
      Math.ceil(windowMs / EVENT_READ_GAP_WHILE_STARTING_MS) + Math.ceil(windowMs / 10_000) + 2,
    );
  }, 180_000);
});
