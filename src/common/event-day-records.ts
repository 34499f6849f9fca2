/**
 * What an event day remembers of its flows (carried across continue-as-new) and the report built
 * from it. Pure: the workflow passes the time in, and a test can build a day of incidents for
 * hundreds of flows and weigh it.
 */
import type { CheckedEventDayInput } from './event-day-input';
import type { FlowStatusReadOperation } from './flow-status-reads';
import { FlowStatus } from './flow-status';

/** Where an event day is: each phase follows the one before; `ENDED` once it has its report. */
export type EventDayPhase = 'WAITING' | 'BRINGING_ONLINE' | 'WATCHING' | 'TAKING_OFFLINE' | 'ENDED';

/**
 * Incidents a flow's record keeps: the latest ones. Earlier ones are summarised (how many, the first
 * one's time), so 500 flows with a day of incidents stay a few hundred KB (README: "Run an event day").
 */
export const MAX_INCIDENTS_PER_FLOW = 5;
/** Longest failure text or reason a record keeps. */
export const MAX_NOTE_LENGTH = 200;

/** A flow that dropped to ERROR or STANDBY during the event, as carried (epoch ms). */
export interface IncidentRecord {
  atMs: number;
  status: FlowStatus;
  /** RUNNING while a restart runs; ACTIVE when it brought the flow back; FAILED; absent when none was tried. */
  restart?: 'RUNNING' | 'ACTIVE' | 'FAILED';
  /** When the flow was seen ACTIVE again. */
  recoveredAtMs?: number;
}

/** One flow of the event, as carried. */
export interface FlowRecord {
  status?: FlowStatus;
  firstActiveAtMs?: number;
  /** Start of the current ACTIVE period. */
  activeSinceMs?: number;
  /** ACTIVE time of the periods that have ended. */
  activeMs: number;
  incidents: IncidentRecord[];
  earlier?: { count: number; firstAtMs: number };
  restarts: number;
  /** Why the last failed restart failed (`type: message`): one per flow, not per incident, to keep the state small. */
  restartFailure?: string;
  /** Why the bring-up did not make it ACTIVE (`type: message`). */
  bringUpFailure?: string;
  /** MediaConnect no longer reports the flow (deleted): it is no longer read. */
  missing?: boolean;
  stoppedAtMs?: number;
  offlineFailure?: string;
}

/** The event day's state: what every step reads and changes, and what continue-as-new carries. */
export interface EventDayState {
  phase: EventDayPhase;
  onlineByMs: number;
  offlineAtMs: number;
  bringUpAtMs: number;
  startsLate: boolean;
  ready?: boolean;
  readyAtMs?: number;
  ended?: { atMs: number; phase: EventDayPhase; reason?: string };
  /** In `flowArns` order. */
  flows: FlowRecord[];
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
  /** Per region, the account's flows as the last ListFlows counted them. */
  accountFlows: Record<string, number>;
  nextReadAtMs?: number;
  /** Flows ACTIVE when the offline step began. */
  activeAtOffline?: number;
  signals: { taken: number; ignored: number };
  run: number;
}

export function newEventDayState(input: CheckedEventDayInput): EventDayState {
  return {
    phase: 'WAITING',
    onlineByMs: input.onlineByMs,
    offlineAtMs: input.offlineAtMs,
    bringUpAtMs: input.bringUpAtMs,
    startsLate: input.startsLate,
    flows: input.flows.map(() => ({ activeMs: 0, incidents: [], restarts: 0 })),
    reads: 0,
    readCalls: { ListFlows: 0, DescribeFlow: 0 },
    accountFlows: {},
    signals: { taken: 0, ignored: 0 },
    run: 1,
  };
}

/** Statuses that count as an incident when an event's flow drops to them. */
export const INCIDENT_STATUSES: ReadonlySet<FlowStatus> = new Set([FlowStatus.ERROR, FlowStatus.STANDBY]);

/**
 * Records a flow's status. Returns the incident when the flow dropped to ERROR or STANDBY from
 * another status (an incident is recorded only while `watching`); a flow seen ACTIVE again closes
 * its open incident.
 */
export function noteStatus(
  record: FlowRecord,
  status: FlowStatus,
  nowMs: number,
  watching: boolean,
): IncidentRecord | undefined {
  const previous = record.status;
  if (status === previous) return undefined;
  record.status = status;
  if (previous === FlowStatus.ACTIVE && record.activeSinceMs !== undefined) {
    record.activeMs += nowMs - record.activeSinceMs;
    record.activeSinceMs = undefined;
  }
  if (status === FlowStatus.ACTIVE) {
    record.firstActiveAtMs ??= nowMs;
    record.activeSinceMs = nowMs;
    const open = record.incidents.at(-1);
    if (open && open.recoveredAtMs === undefined) open.recoveredAtMs = nowMs;
    return undefined;
  }
  if (!watching || !INCIDENT_STATUSES.has(status)) return undefined;
  return addIncident(record, { atMs: nowMs, status });
}

/** Adds an incident, summarising the oldest kept one once the record holds {@link MAX_INCIDENTS_PER_FLOW}. */
export function addIncident(record: FlowRecord, incident: IncidentRecord): IncidentRecord {
  record.incidents.push(incident);
  if (record.incidents.length > MAX_INCIDENTS_PER_FLOW) {
    const dropped = record.incidents.shift() as IncidentRecord;
    record.earlier = { count: (record.earlier?.count ?? 0) + 1, firstAtMs: record.earlier?.firstAtMs ?? dropped.atMs };
  }
  return incident;
}

/** Text cut at {@link MAX_NOTE_LENGTH} characters. */
export function boundedNote(text: string): string {
  return text.length > MAX_NOTE_LENGTH ? `${text.slice(0, MAX_NOTE_LENGTH - 1)}…` : text;
}

/** An incident in the report. */
export interface EventDayIncident {
  /** When the event day saw the flow drop (ISO 8601). */
  at: string;
  /** What it dropped to: ERROR or STANDBY. */
  status: FlowStatus;
  /** The restart `restartOnError` made: RUNNING, ACTIVE (brought back) or FAILED; absent when none was made. */
  restart?: 'RUNNING' | 'ACTIVE' | 'FAILED';
  /** When the flow was seen ACTIVE again (ISO 8601). */
  recoveredAt?: string;
}

/** One flow in the event day's report. */
export interface EventDayFlowReport {
  flowArn: string;
  /** The last status the event day saw. */
  lastStatus?: FlowStatus;
  /** When the flow was first seen ACTIVE (ISO 8601). */
  activeAt?: string;
  /** How long the flow was ACTIVE in all, as far as the event day saw (whole seconds). */
  activeSeconds: number;
  /** The latest incidents (at most {@link MAX_INCIDENTS_PER_FLOW}), oldest first. */
  incidents: EventDayIncident[];
  /** Incidents before those: how many, and when the first was. */
  earlierIncidents?: { count: number; firstAt: string };
  /** Restarts `restartOnError` made. */
  restarts: number;
  /** Why the last failed restart failed (`type: message`, at most 200 characters). */
  restartFailure?: string;
  /** Why the bring-up did not make the flow ACTIVE (`type: message`). */
  bringUpFailure?: string;
  /** MediaConnect stopped reporting the flow (deleted): the event day stopped reading it. */
  missing?: boolean;
  /** When the flow was taken offline (ISO 8601). */
  stoppedAt?: string;
  /** Why taking it offline failed (`type: message`). */
  offlineFailure?: string;
}

/** What `eventDay` returns (and the `eventDayReport` query shows so far). */
export interface EventDayReport {
  phase: EventDayPhase;
  onlineBy: string;
  offlineAt: string;
  /** `onlineBy − leadTime` had passed when the event day started: it brought the flows online at once. */
  startedLate: boolean;
  /** Every flow was ACTIVE when the bring-up ended. */
  ready: boolean;
  readyAt?: string;
  /** The event was ended by the `endEvent` signal: when, in which phase, and the reason given. */
  endedEarly?: { at: string; phase: EventDayPhase; reason?: string };
  /** Per flow, in `flowArns` order. */
  flows: EventDayFlowReport[];
  /** Flows ACTIVE now or, once the offline step has begun, when it began. */
  active: number;
  incidents: number;
  restarts: number;
  /** Fallback status reads (each one `readFlowStatuses` activity per region) and their MediaConnect calls. */
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
  /** `flowStatusChanged` signals taken (for the event's flows) and ignored (for other flows, or outside the watch). */
  signals: { taken: number; ignored: number };
  /** Workflow runs so far (1, then +1 per continue-as-new). */
  runs: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function eventDayReport(state: EventDayState, flowArns: readonly string[], nowMs: number): EventDayReport {
  const flows = state.flows.map((record, i) => flowReport(record, flowArns[i], nowMs));
  return {
    phase: state.phase,
    onlineBy: iso(state.onlineByMs) as string,
    offlineAt: iso(state.offlineAtMs) as string,
    startedLate: state.startsLate,
    ready: state.ready ?? false,
    ...(state.readyAtMs !== undefined && { readyAt: iso(state.readyAtMs) }),
    ...(state.ended && {
      endedEarly: { at: iso(state.ended.atMs) as string, phase: state.ended.phase, reason: state.ended.reason },
    }),
    flows,
    active: state.activeAtOffline ?? state.flows.filter((r) => r.status === FlowStatus.ACTIVE).length,
    incidents: state.flows.reduce((sum, r) => sum + r.incidents.length + (r.earlier?.count ?? 0), 0),
    restarts: state.flows.reduce((sum, r) => sum + r.restarts, 0),
    reads: state.reads,
    readCalls: { ...state.readCalls },
    signals: { ...state.signals },
    runs: state.run,
  };
}

function flowReport(record: FlowRecord, flowArn: string, nowMs: number): EventDayFlowReport {
  const openMs = record.activeSinceMs === undefined ? 0 : nowMs - record.activeSinceMs;
  return {
    flowArn,
    lastStatus: record.status,
    ...(record.firstActiveAtMs !== undefined && { activeAt: iso(record.firstActiveAtMs) }),
    activeSeconds: Math.round((record.activeMs + openMs) / 1000),
    incidents: record.incidents.map((incident) => ({
      at: iso(incident.atMs) as string,
      status: incident.status,
      ...(incident.restart && { restart: incident.restart }),
      ...(incident.recoveredAtMs !== undefined && { recoveredAt: iso(incident.recoveredAtMs) }),
    })),
    ...(record.earlier && {
      earlierIncidents: { count: record.earlier.count, firstAt: iso(record.earlier.firstAtMs) as string },
    }),
    restarts: record.restarts,
    ...(record.restartFailure && { restartFailure: record.restartFailure }),
    ...(record.bringUpFailure && { bringUpFailure: record.bringUpFailure }),
    ...(record.missing && { missing: true }),
    ...(record.stoppedAtMs !== undefined && { stoppedAt: iso(record.stoppedAtMs) }),
    ...(record.offlineFailure && { offlineFailure: record.offlineFailure }),
  };
}
