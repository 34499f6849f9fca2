/**
 * eventDay on the EventBridge fast path, end to end on a real dev server: the simulator emits
 * MediaConnect's "Flow Status Change" events, `forwardFlowStatusChange` signals every running
 * `eventDay` (found by its workflow type), and the event day reports and restarts a flow that
 * dropped to ERROR long before its fallback read (an hour away) would have found it. An event for a
 * flow that is not the event's is dropped.
 */
import { startEventDay } from '../../src/client';
import { forwardFlowStatusChange } from '../../src/events/forward';
import type { FlowStatusChangeEvent } from '../../src/events/flow-status-event';
import { endEventSignal, eventDayProgressQuery, eventDayReportQuery } from '../../src/workflows/event-day';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'event-day-events-test';
const bed = useTestbed({ server: 'dev', taskQueue });
const quiet = { info: () => undefined, warn: () => undefined };

describe('eventDay with EventBridge events', () => {
  it('hears of a flow in ERROR from its event, restarts it, and drops an event for a flow not in the event', async () => {
    const flowArns = [0, 1].map((i) =>
      bed.sim.createFlow({ name: `Arena${i}`, startingDuration: 300, stoppingDuration: 300 }),
    );
    const stranger = bed.sim.createFlow({ name: 'NotOurs', status: 'ACTIVE' });
    bed.sim.emitStatusEvents({
      target: (event: FlowStatusChangeEvent) => forwardFlowStatusChange(bed.env.client, event, { logger: quiet }),
    });
    const handle = await startEventDay(
      bed.env.client,
      { flowArns, onlineBy: '2s', leadTime: '2s', offlineAt: '1h', watchInterval: '1h', restartOnError: true },
      { workflowId: `event-day-events-${Date.now()}`, taskQueue },
    );
    await waitFor(
      'the event day to watch its flows',
      async () => {
        const { phase } = await handle.query(eventDayProgressQuery);
        return phase === 'WATCHING';
      },
      60_000,
    );
    const before = await handle.query(eventDayProgressQuery);

    bed.sim.updateFlow(flowArns[0], { status: 'ERROR' });
    await waitFor(
      'the restart to bring the flow back',
      async () => (await handle.query(eventDayReportQuery)).flows[0].incidents[0]?.restart === 'ACTIVE',
      60_000,
    );
    bed.sim.updateFlow(stranger, { status: 'ERROR' });
    await waitFor(
      'the stranger’s event to reach the event day',
      async () => (await handle.query(eventDayProgressQuery)).signals.ignored > before.signals.ignored,
      30_000,
    );

    const report = await handle.query(eventDayReportQuery);
    // The fallback read is an hour away: only the event can have told the event day.
    expect(report.signals.taken).toBeGreaterThanOrEqual(1);
    expect(report.reads).toBeGreaterThan(before.reads); // the read that confirmed the event
    expect(report).toMatchObject({ incidents: 1, restarts: 1 });
    expect(report.flows[0].incidents[0]).toMatchObject({ status: 'ERROR', restart: 'ACTIVE' });
    expect(bed.sim.calls({ operation: 'StartFlow', flowArn: flowArns[0] })).toHaveLength(2);
    expect(bed.sim.calls({ flowArn: stranger })).toHaveLength(0);

    await handle.signal(endEventSignal);
    const final = await handle.result();
    expect(final.flows.map((flow) => flow.lastStatus)).toEqual(['STANDBY', 'STANDBY']);
    bed.sim.emitStatusEvents(undefined);
  });
});
