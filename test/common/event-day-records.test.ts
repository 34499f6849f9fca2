import { checkEventDayInput } from '../../src/common/event-day-input';
import {
  boundedNote,
  eventDayReport,
  MAX_INCIDENTS_PER_FLOW,
  newEventDayState,
  noteStatus,
  type EventDayState,
} from '../../src/common/event-day-records';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T18:00:00Z');

/** Flow ARNs as long as MediaConnect makes them: a 64-character name. */
function arns(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `arn:aws:mediaconnect:eu-west-1:111122223333:flow:1-${String(i).padStart(16, '0')}-abcdef012345:${'Stage'.padEnd(58, 'x')}${String(i).padStart(6, '0')}`,
  );
}

/** An event day of `flows` flows watched for 24 hours, every flow dropping to ERROR and failing its restart every hour. */
function dayOfIncidents(flows: number): { state: EventDayState; flowArns: string[] } {
  const flowArns = arns(flows);
  const input = checkEventDayInput({ flowArns, onlineBy: '1h', offlineAt: '25h', restartOnError: true }, T0);
  const state = newEventDayState(input);
  state.phase = 'WATCHING';
  for (const record of state.flows) {
    noteStatus(record, 'ACTIVE', T0 + HOUR, true);
    for (let hour = 1; hour <= 24; hour += 1) {
      const incident = noteStatus(record, 'ERROR', T0 + hour * HOUR + 60_000, true);
      if (!incident) throw new Error('expected an incident');
      incident.restart = 'FAILED';
      record.restartFailure = boundedNote(`FlowError: ${'Source 10.0.0.1:5000 is not reachable; '.repeat(20)}`);
      record.restarts += 1;
      noteStatus(record, 'ACTIVE', T0 + hour * HOUR + 120_000, true);
    }
  }
  return { state, flowArns };
}

describe('event day records', () => {
  it('records an incident only for a drop to ERROR or STANDBY while watching, and closes it when the flow is ACTIVE again', () => {
    const [record] = newEventDayState(
      checkEventDayInput({ flowArns: arns(1), onlineBy: '1h', offlineAt: '2h' }, T0),
    ).flows;
    expect(noteStatus(record, 'ERROR', T0, false)).toBeUndefined(); // the bring-up's, not the event's
    noteStatus(record, 'ACTIVE', T0 + 1000, true);
    expect(noteStatus(record, 'STARTING', T0 + 2000, true)).toBeUndefined();
    expect(noteStatus(record, 'STANDBY', T0 + 3000, true)).toEqual({ atMs: T0 + 3000, status: 'STANDBY' });
    expect(noteStatus(record, 'STANDBY', T0 + 4000, true)).toBeUndefined(); // no change, no new incident
    noteStatus(record, 'ACTIVE', T0 + 10_000, true);
    expect(record).toMatchObject({
      firstActiveAtMs: T0 + 1000,
      activeMs: 1000,
      activeSinceMs: T0 + 10_000,
      incidents: [{ atMs: T0 + 3000, status: 'STANDBY', recoveredAtMs: T0 + 10_000 }],
    });
  });

  it(`keeps the latest ${MAX_INCIDENTS_PER_FLOW} incidents of a flow and summarises the earlier ones`, () => {
    const { state, flowArns } = dayOfIncidents(1);
    const [flow] = eventDayReport(state, flowArns, T0 + 25 * HOUR).flows;
    expect(flow.incidents).toHaveLength(MAX_INCIDENTS_PER_FLOW);
    expect(flow.incidents.at(-1)?.at).toBe(new Date(T0 + 24 * HOUR + 60_000).toISOString());
    expect(flow.earlierIncidents).toEqual({
      count: 24 - MAX_INCIDENTS_PER_FLOW,
      firstAt: new Date(T0 + HOUR + 60_000).toISOString(),
    });
    expect(flow.restarts).toBe(24);
    // ACTIVE from 19:00 to 19:00 the next day, but for 1 minute in each of the 24 hours.
    expect(flow.activeSeconds).toBe(24 * 3600 - 24 * 60);
  });

  it('stays bounded in bytes: 500 flows with a day of incidents each', () => {
    const { state, flowArns } = dayOfIncidents(500);
    const carriedBytes = Buffer.byteLength(JSON.stringify({ flowArns, carried: state }));
    const reportBytes = Buffer.byteLength(JSON.stringify(eventDayReport(state, flowArns, T0 + 25 * HOUR)));
    // README ("Run an event day") quotes these figures; a workflow payload may hold 2 MiB.
    expect(carriedBytes).toBeLessThan(600 * 1024);
    expect(reportBytes).toBeLessThan(600 * 1024);
    // The figures grow with the flows, not with the incidents: a second day adds nothing.
    const twoDays = dayOfIncidents(500);
    for (const record of twoDays.state.flows) {
      for (let hour = 25; hour <= 48; hour += 1) {
        noteStatus(record, 'ERROR', T0 + hour * HOUR, true);
        noteStatus(record, 'ACTIVE', T0 + hour * HOUR + 60_000, true);
      }
    }
    expect(Buffer.byteLength(JSON.stringify({ flowArns, carried: twoDays.state }))).toBeLessThanOrEqual(
      carriedBytes + 500 * 16,
    );
  });
});
