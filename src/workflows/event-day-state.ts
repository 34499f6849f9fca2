/**
 * `eventDay`'s public input, queries and signal, the state its steps share (the carried records
 * plus what lives only in one run), and what it shows: the query answers, the Web UI's details and
 * the status search attribute.
 */
import {
  defineQuery,
  defineSignal,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
  type CancellationScope,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FlowArnParts } from '../common/arn';
import { detailsMarkdown } from '../common/details-markdown';
import type { CheckedEventDayInput, EventTime } from '../common/event-day-input';
import {
  eventDayReport,
  type EventDayPhase,
  type EventDayReport,
  type EventDayState,
} from '../common/event-day-records';
import { FlowStatus } from '../common/flow-status';
import type { FlowStatusReadOperation } from '../common/flow-status-reads';
import { FlowRegionSearchAttribute, FlowStatusSearchAttribute } from '../common/search-attributes';
import type { FlowStatusChange } from './bring-flow-online';

/** Input of `eventDay`. */
export interface EventDayInput {
  /** ARNs of the event's flows: at least one, no duplicates, at most 1000 (one fleet). */
  flowArns: string[];
  /**
   * When every flow must be ACTIVE: an ISO 8601 time with its zone (`'2026-11-28T19:00:00Z'`), a
   * `Date`, or a duration after the workflow's start (`'30m'`: for a Schedule that repeats). Already
   * past: the bring-up starts at once and the report says `startedLate`.
   */
  onlineBy: EventTime;
  /** When every flow is taken offline: after `onlineBy`, within 7 days; the same forms as `onlineBy`. */
  offlineAt: EventTime;
  /** How long before `onlineBy` the bring-up begins. @default '15m' */
  leadTime?: Duration;
  /**
   * Restart a flow that drops to ERROR or STANDBY during the event (a child `bringFlowOnline`, within
   * the request budget), at most `maxRestartsPerFlow` times per flow. False: only report it.
   * @default false
   */
  restartOnError?: boolean;
  /**
   * Time between two fallback reads of the event's flows while it watches them (ListFlows or
   * DescribeFlow, whichever costs fewer calls). `flowStatusChanged` signals (EventBridge) are
   * taken at once; this read catches what no event announced.
   * @default '1m'
   */
  watchInterval?: Duration;
  /** Restarts per flow over the event, when `restartOnError`. @default 3 */
  maxRestartsPerFlow?: number;
  /**
   * Fallback reads per workflow run before continuing as new (it also continues as new when the
   * server suggests it, or its history passes 10,000 events or 10 MB). A read's history holds about
   * 34 bytes per flow (the flow ids it asks about): 200 reads of 500 flows are about 3.5 MB.
   * @default 200
   */
  readsPerRun?: number;
  /** State carried across continue-as-new. Not for callers. @internal */
  carried?: EventDayState;
}

/** Payload of {@link endEventSignal}. */
export interface EndEvent {
  /** Why, for the report and the log (at most 200 characters are kept). */
  reason?: string;
}

/** Live progress, as the `eventDayProgress` query returns it: bounded whatever the fleet's size. */
export interface EventDayProgress {
  phase: EventDayPhase;
  onlineBy: string;
  offlineAt: string;
  /** When the bring-up begins (or began): `onlineBy − leadTime`, or the start when that had passed. */
  bringUpAt: string;
  startedLate: boolean;
  /** Every flow was ACTIVE when the bring-up ended; undefined before. */
  ready?: boolean;
  readyAt?: string;
  /** How many flows are in each status (`UNKNOWN`: not read yet). */
  statuses: Partial<Record<FlowStatus | 'UNKNOWN', number>>;
  /** The first 50 flows that are not ACTIVE, with their status. */
  notActive: Array<{ flowArn: string; status?: FlowStatus }>;
  incidents: number;
  restarts: number;
  /** Restarts running now. */
  restarting: number;
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
  signals: { taken: number; ignored: number };
  run: number;
}

/** Query: the event day's progress (phase, readiness, statuses, flows not ACTIVE). */
export const eventDayProgressQuery = defineQuery<EventDayProgress>('eventDayProgress');
/** Query: the report so far, as `eventDay` will return it (per flow: ACTIVE times, incidents, stop). */
export const eventDayReportQuery = defineQuery<EventDayReport>('eventDayReport');
/**
 * Signal: end the event now. The event day stops its bring-up or restarts, takes every flow offline
 * and completes with its report. Before the bring-up has begun, nothing was started and nothing is
 * stopped.
 */
export const endEventSignal = defineSignal<[EndEvent?]>('endEvent');

/** An event day: its checked input, its carried state, and what lives only in this run. */
export interface EventDay {
  readonly input: CheckedEventDayInput;
  readonly flowArns: readonly string[];
  readonly state: EventDayState;
  readonly id: string;
  readonly indexByArn: ReadonlyMap<string, number>;
  /** Changes signalled for the event's flows, not yet taken (the latest per flow). */
  readonly pending: Map<number, FlowStatusChange>;
  /** Running restarts, by flow index. */
  readonly restarts: Map<number, { scope: CancellationScope; done: Promise<void> }>;
  /** Something the watch waits for happened (a restart settled). */
  woken: boolean;
  endRequested: boolean;
  /** Fallback reads made in this run. */
  readsThisRun: number;
  /** The search attributes to keep up to date, where the starter set this package's. */
  readonly searchable: boolean;
}

export function newEventDay(input: CheckedEventDayInput, state: EventDayState): EventDay {
  const info = workflowInfo();
  return {
    input,
    flowArns: input.flows.map((flow) => flow.arn),
    state,
    id: info.workflowId,
    indexByArn: new Map(input.flows.map((flow, i) => [flow.arn, i])),
    pending: new Map(),
    restarts: new Map(),
    woken: false,
    endRequested: state.ended !== undefined,
    readsThisRun: 0,
    searchable: info.typedSearchAttributes.get(FlowRegionSearchAttribute) !== undefined,
  };
}

export function flowOf(day: EventDay, index: number): FlowArnParts {
  return day.input.flows[index];
}

export function report(day: EventDay): EventDayReport {
  return eventDayReport(day.state, day.flowArns, Date.now());
}

/** Epoch milliseconds as ISO 8601. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export function progress(day: EventDay): EventDayProgress {
  const { state } = day;
  const statuses: Partial<Record<FlowStatus | 'UNKNOWN', number>> = {};
  for (const record of state.flows)
    statuses[record.status ?? 'UNKNOWN'] = (statuses[record.status ?? 'UNKNOWN'] ?? 0) + 1;
  const notActive = state.flows
    .map((record, i) => ({ flowArn: day.flowArns[i], status: record.status }))
    .filter((flow) => flow.status !== FlowStatus.ACTIVE);
  const full = eventDayReport(state, day.flowArns, Date.now());
  return {
    phase: state.phase,
    onlineBy: iso(state.onlineByMs),
    offlineAt: iso(state.offlineAtMs),
    bringUpAt: iso(state.bringUpAtMs),
    startedLate: state.startsLate,
    ...(state.ready !== undefined && { ready: state.ready }),
    ...(state.readyAtMs !== undefined && { readyAt: iso(state.readyAtMs) }),
    statuses,
    notActive: notActive.slice(0, 50),
    incidents: full.incidents,
    restarts: full.restarts,
    restarting: day.restarts.size,
    reads: state.reads,
    readCalls: { ...state.readCalls },
    signals: { ...state.signals },
    run: state.run,
  };
}

/**
 * The status operators filter event days by (`MediaConnectFlowStatus`): the one that needs attention.
 * ERROR when a flow is in ERROR, STANDBY when one dropped to STANDBY while watching (or all are
 * offline at the end), STARTING while the flows are brought online, ACTIVE when every flow is.
 */
export function eventStatus(day: EventDay): FlowStatus {
  const { state } = day;
  const statuses = new Set(state.flows.map((record) => record.status));
  if (statuses.has(FlowStatus.ERROR)) return FlowStatus.ERROR;
  if (state.phase === 'ENDED' || state.phase === 'WAITING') return FlowStatus.STANDBY;
  if (state.phase === 'BRINGING_ONLINE') return FlowStatus.STARTING;
  if (state.phase === 'TAKING_OFFLINE') return FlowStatus.STOPPING;
  return statuses.size === 1 && statuses.has(FlowStatus.ACTIVE) ? FlowStatus.ACTIVE : FlowStatus.STANDBY;
}

/** Keeps the Web UI's current details and the status search attribute in step with the event day. */
export function showProgress(day: EventDay): void {
  const p = progress(day);
  const counts = Object.entries(p.statuses)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const facts = [
    `phase: **${p.phase}**`,
    `online by ${p.onlineBy}${p.startedLate ? ' (started late: the bring-up began at once)' : ''}; offline at ${p.offlineAt}`,
    p.ready === undefined ? `bring-up at ${p.bringUpAt}` : `ready: **${p.ready ? 'yes' : 'no'}** at ${p.readyAt}`,
    `flows: ${counts}`,
    `incidents: ${p.incidents}, restarts: ${p.restarts}${p.restarting > 0 ? ` (${p.restarting} running)` : ''}`,
    `fallback reads: ${p.reads} (${p.readCalls.ListFlows} ListFlows, ${p.readCalls.DescribeFlow} DescribeFlow calls); signals taken: ${p.signals.taken}, ignored: ${p.signals.ignored}`,
  ];
  for (const line of latestIncidents(day, 10)) facts.push(line);
  for (const flow of p.notActive.slice(0, 20)) {
    const name = flow.flowArn.split(':')[7];
    facts.push(`not ACTIVE: ${name} (${flow.status ?? 'unknown'})`);
  }
  setCurrentDetails(detailsMarkdown(`**Event day** of ${day.flowArns.length} flows`, facts));
  const status = eventStatus(day);
  // Only on a change: each upsert is a history event.
  if (day.searchable && workflowInfo().typedSearchAttributes.get(FlowStatusSearchAttribute) !== status)
    upsertSearchAttributes([{ key: FlowStatusSearchAttribute, value: status }]);
}

/** The latest `count` incidents of the event, newest first, one line each. */
function latestIncidents(day: EventDay, count: number): string[] {
  const incidents = day.state.flows.flatMap((record, i) =>
    record.incidents.map((incident) => ({ ...incident, name: flowOf(day, i).flowName })),
  );
  return incidents
    .sort((a, b) => b.atMs - a.atMs)
    .slice(0, count)
    .map(
      (incident) =>
        `incident: ${incident.name} dropped to ${incident.status} at ${iso(incident.atMs)}` +
        (incident.restart ? `; restart: ${incident.restart}` : '') +
        (incident.recoveredAtMs !== undefined ? `; ACTIVE again at ${iso(incident.recoveredAtMs)}` : ''),
    );
}

/** The event day's state in one log line's fields. */
export function progressLine(day: EventDay): Record<string, unknown> {
  const p = progress(day);
  return { phase: p.phase, statuses: p.statuses, incidents: p.incidents, restarts: p.restarts };
}
