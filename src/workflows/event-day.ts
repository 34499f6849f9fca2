import {
  CancellationScope,
  ChildWorkflowFailure,
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { checkEventDayInput, EVENT_DAY_DEFAULTS } from '../common/event-day-input';
import {
  boundedNote,
  newEventDayState,
  noteStatus,
  type EventDayReport,
  type IncidentRecord,
} from '../common/event-day-records';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { FlowNameSearchAttribute, FlowRegionSearchAttribute } from '../common/search-attributes';
import { bringFleetOnline } from './bring-fleet-online';
import { bringFlowOnline, flowStatusChangedSignal } from './bring-flow-online';
import { takeFleetOffline } from './take-fleet-offline';
import { readStatuses, type StatusChanges } from './event-day-reads';
import {
  endEventSignal,
  eventDayProgressQuery,
  eventDayReportQuery,
  flowOf,
  newEventDay,
  progress,
  report,
  showProgress,
  type EventDay,
  type EventDayInput,
} from './event-day-state';

export {
  endEventSignal,
  eventDayProgressQuery,
  eventDayReportQuery,
  type EndEvent,
  type EventDayInput,
  type EventDayProgress,
} from './event-day-state';
export { EVENT_DAY_DEFAULTS };

/** A run continues as new past this many history events (Temporal warns from 10,240) ... */
export const EVENT_DAY_MAX_HISTORY_EVENTS = 10_000;
/** ... or this many bytes of history (Temporal warns from 10 MB). */
export const EVENT_DAY_MAX_HISTORY_BYTES = 10 * 1024 * 1024;
/** How long a restart (a child `bringFlowOnline`) may take to make its flow ACTIVE again. */
const RESTART_TIMEOUT = '10m';

/**
 * An event day: brings a fleet of MediaConnect flows online before the event, watches them during
 * it, takes them offline after it, and returns a report per flow. Start it directly
 * (`startEventDay`), from a Temporal Schedule, or copy it as a model for your own.
 *
 * 1. Sleeps on a durable timer until `onlineBy − leadTime` (at once when that has passed: the report
 *    says `startedLate`).
 * 2. Brings the flows online with a child `bringFleetOnline` (`<id>/online`) and reports readiness:
 *    the `eventDayProgress` query, the Web UI's current details, the `MediaConnectFlowStatus` search
 *    attribute (ACTIVE when every flow is), and a log line; a warning when `onlineBy` comes first.
 * 3. Watches the flows until `offlineAt`: `flowStatusChanged` signals (EventBridge, through the
 *    forwarder) for the event's flows are taken at once (unconfirmed ones confirmed by a read; those
 *    for other flows dropped), and a fallback read every `watchInterval` catches the rest. A flow that
 *    drops to ERROR or STANDBY is reported at once and, with `restartOnError`, restarted by a child
 *    `bringFlowOnline` (`<id>/restart-<name>-<flow id>-<n>`).
 * 4. At `offlineAt`, or on the `endEvent` signal, takes every flow offline and completes with the
 *    report (`eventDayReport` query: the same, so far).
 *
 * History stays bounded: the watch continues as new, carrying its state (phase, per-flow records
 * with at most 5 incidents each), every `readsPerRun` reads or when the server suggests it.
 * Cancelling it cancels its children and leaves the flows as they are (a live event must not go dark
 * because its workflow was replaced): `endEvent` is how to end an event.
 *
 * Fails, non-retryably and before anything runs, with `InvalidFlowArn` or `InvalidInput`.
 */
export async function eventDay(input: EventDayInput): Promise<EventDayReport> {
  const day = begin(input);
  try {
    if (day.state.phase === 'WAITING') await waitForBringUp(day);
    if (day.state.phase === 'BRINGING_ONLINE') await bringOnline(day);
    if (day.state.phase === 'WATCHING') await watch(day, input);
    if (day.state.phase === 'TAKING_OFFLINE') await takeOffline(day);
    day.state.phase = 'ENDED';
    showProgress(day);
    const result = report(day);
    log.info('Event day ended', { active: result.active, incidents: result.incidents, restarts: result.restarts });
    return result;
  } catch (err) {
    if (isCancellation(err)) log.info('Event day cancelled: its flows are left as they are', progressLine(day));
    throw err;
  }
}

function begin(input: EventDayInput): EventDay {
  const carried = input?.carried;
  const checked = checkEventDayInput(input, Date.now(), { carried: carried !== undefined });
  const state = carried ? { ...carried, run: carried.run + 1 } : newEventDayState(checked);
  const day = newEventDay(checked, state);
  setHandler(eventDayProgressQuery, () => progress(day));
  setHandler(eventDayReportQuery, () => report(day));
  setHandler(flowStatusChangedSignal, (change) => {
    const index = day.indexByArn.get(change?.flowArn ?? '');
    // Changes of other flows, and of the event's flows outside the watch (the fleet's bring-ups hear of their own), are dropped.
    if (index === undefined || day.state.phase !== 'WATCHING') {
      day.state.signals.ignored += 1;
      return;
    }
    day.state.signals.taken += 1;
    day.pending.set(index, change ?? {});
  });
  setHandler(endEventSignal, (end) => {
    if (day.endRequested || day.state.phase === 'TAKING_OFFLINE' || day.state.phase === 'ENDED') return;
    day.endRequested = true;
    const reason = typeof end?.reason === 'string' && end.reason !== '' ? boundedNote(end.reason) : undefined;
    day.state.ended = { atMs: Date.now(), phase: day.state.phase, ...(reason && { reason }) };
    log.info('Event ended early by signal', { phase: day.state.phase, reason });
  });
  showProgress(day);
  return day;
}

/** Sleeps until `onlineBy − leadTime`, or until `endEvent` (then nothing was started and nothing is stopped). */
async function waitForBringUp(day: EventDay): Promise<void> {
  const { state } = day;
  if (state.startsLate)
    log.warn('onlineBy − leadTime has already passed: bringing the flows online at once', {
      onlineBy: new Date(state.onlineByMs).toISOString(),
    });
  const waitMs = state.bringUpAtMs - Date.now();
  if (waitMs > 0) await condition(() => day.endRequested, waitMs);
  state.phase = day.endRequested ? 'ENDED' : 'BRINGING_ONLINE';
  showProgress(day);
}

/** Runs the fleet's bring-up, warns if `onlineBy` comes first, and records readiness. */
async function bringOnline(day: EventDay): Promise<void> {
  const { state } = day;
  const scope = new CancellationScope();
  let settled = false;
  let failure: unknown;
  const timeoutMs = Math.min(60 * 60_000, Math.max(15 * 60_000, state.onlineByMs - Date.now()));
  const fleet = scope
    .run(() =>
      executeChild(bringFleetOnline, {
        workflowId: `${day.id}/online`,
        args: [{ flowArns: [...day.flowArns], timeout: timeoutMs }],
        staticSummary: `Bring ${day.flowArns.length} flows online`,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(day.searchable && {
          typedSearchAttributes: [
            {
              key: FlowRegionSearchAttribute,
              value: workflowInfo().typedSearchAttributes.get(FlowRegionSearchAttribute) ?? '',
            },
          ],
        }),
      }),
    )
    .then(
      (result) =>
        result.results.forEach((flow, index) => {
          const record = state.flows[index];
          if (flow.outcome === 'ACTIVE') noteStatus(record, FlowStatus.ACTIVE, parseTime(flow.activeAt), false);
          else {
            if (flow.lastStatus) noteStatus(record, flow.lastStatus, Date.now(), false);
            record.bringUpFailure = boundedNote(
              flow.failure ? `${flow.failure.type}: ${flow.failure.message}` : flow.outcome,
            );
          }
        }),
      (err: unknown) => {
        failure = err;
      },
    )
    .finally(() => {
      settled = true;
    });
  const onTime = await condition(() => settled || day.endRequested, Math.max(1, state.onlineByMs - Date.now()));
  if (!onTime) {
    log.warn('The flows are not all ACTIVE at onlineBy; the bring-up goes on', { onlineBy: iso(state.onlineByMs) });
    showProgress(day);
  }
  await condition(() => settled || day.endRequested);
  if (!settled) scope.cancel();
  await fleet;
  if (failure !== undefined) {
    if (isCancellation(failure) && !day.endRequested) throw failure as Error;
    const why = day.endRequested ? 'CANCELLED: the event ended' : failureText(failure);
    if (!day.endRequested) log.warn('The fleet’s bring-up failed', { error: why });
    for (const record of state.flows)
      if (record.status !== FlowStatus.ACTIVE) record.bringUpFailure ??= boundedNote(why);
  }
  state.ready = state.flows.every((record) => record.status === FlowStatus.ACTIVE);
  state.readyAtMs = Date.now();
  if (state.ready) log.info('Event ready: every flow is ACTIVE', { flows: day.flowArns.length });
  else log.warn('Event not ready: some flows are not ACTIVE', progressLine(day));
  state.phase = day.endRequested ? 'TAKING_OFFLINE' : 'WATCHING';
  state.nextReadAtMs = Date.now() + day.input.watchIntervalMs;
  showProgress(day);
}

/** Watches the flows until `offlineAt` or `endEvent`: signalled changes at once, a fallback read every `watchInterval`. */
async function watch(day: EventDay, input: EventDayInput): Promise<void> {
  const { state } = day;
  const everyFlow = day.flowArns.map((_, index) => index);
  for (;;) {
    if (day.endRequested || Date.now() >= state.offlineAtMs) break;
    if (day.pending.size > 0) {
      await takeSignalledChanges(day);
      continue;
    }
    if (Date.now() >= (state.nextReadAtMs ?? 0)) {
      state.nextReadAtMs = Date.now() + day.input.watchIntervalMs;
      day.readsThisRun += 1;
      apply(day, await readStatuses(day, everyFlow));
      await continueAsNewIfDue(day, input);
      continue;
    }
    day.woken = false;
    const nextWakeMs = Math.min(state.nextReadAtMs ?? 0, state.offlineAtMs);
    await condition(() => day.woken || day.pending.size > 0 || day.endRequested, Math.max(1, nextWakeMs - Date.now()));
  }
  state.phase = 'TAKING_OFFLINE';
  // Restarts still running are stopped: the flows go offline now.
  for (const { scope } of day.restarts.values()) scope.cancel();
  await Promise.all([...day.restarts.values()].map(({ done }) => done));
  showProgress(day);
}

/** Takes the signalled changes: a confirmed one as it is, the others confirmed by one read of their flows. */
async function takeSignalledChanges(day: EventDay): Promise<void> {
  const changes = [...day.pending];
  day.pending.clear();
  const confirmed: StatusChanges = new Map();
  const toRead: number[] = [];
  for (const [index, change] of changes) {
    if (change.confirmed && isFlowStatus(change.currentStatus)) confirmed.set(index, change.currentStatus);
    else toRead.push(index);
  }
  apply(day, confirmed);
  if (toRead.length > 0) apply(day, await readStatuses(day, toRead));
}

/** Records changed statuses, reporting (and, with `restartOnError`, restarting) each flow that dropped. */
function apply(day: EventDay, changes: StatusChanges): void {
  const { state } = day;
  for (const [index, status] of changes) {
    const record = state.flows[index];
    // A flow being restarted passes through STANDBY/ERROR/STARTING: its restart decides.
    const incident = noteStatus(record, status, Date.now(), !day.restarts.has(index));
    if (!incident) continue;
    const flow = flowOf(day, index);
    const restart = day.input.restartOnError && record.restarts < day.input.maxRestartsPerFlow;
    log.warn(`Flow ${flow.flowName} dropped to ${status} during the event`, {
      flowArn: flow.arn,
      status,
      restart,
    });
    if (restart) startRestart(day, index, incident);
  }
  showProgress(day);
}

function startRestart(day: EventDay, index: number, incident: IncidentRecord): void {
  const record = day.state.flows[index];
  const flow = flowOf(day, index);
  record.restarts += 1;
  incident.restart = 'RUNNING';
  const scope = new CancellationScope();
  const done = scope
    .run(() =>
      executeChild(bringFlowOnline, {
        workflowId: `${day.id}/restart-${flow.flowName}-${flow.flowId}-${record.restarts}`,
        args: [{ flowArn: flow.arn, knownStatus: incident.status, timeout: RESTART_TIMEOUT }],
        staticSummary: `Restart ${flow.flowName} (${incident.status} during the event)`,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(day.searchable && {
          typedSearchAttributes: [
            { key: FlowNameSearchAttribute, value: flow.flowName },
            { key: FlowRegionSearchAttribute, value: flow.region },
          ],
        }),
      }),
    )
    .then(
      (result) => {
        incident.restart = 'ACTIVE';
        noteStatus(record, FlowStatus.ACTIVE, parseTime(result.activeAt), false);
        log.info(`Flow ${flow.flowName} is ACTIVE again`, { flowArn: flow.arn });
      },
      (err: unknown) => {
        incident.restart = 'FAILED';
        record.restartFailure = boundedNote(isCancellation(err) ? 'CANCELLED: the event ended' : failureText(err));
        const lastStatus = failureLastStatus(err);
        if (lastStatus) noteStatus(record, lastStatus, Date.now(), false);
        log.warn(`Restarting flow ${flow.flowName} failed`, { flowArn: flow.arn, failure: record.restartFailure });
      },
    )
    .finally(() => {
      day.restarts.delete(index);
      day.woken = true;
      showProgress(day);
    });
  day.restarts.set(index, { scope, done });
}

/** Continues as new when this run has read enough or its history is long, once nothing is in flight. */
async function continueAsNewIfDue(day: EventDay, input: EventDayInput): Promise<void> {
  const info = workflowInfo();
  const due =
    day.readsThisRun >= day.input.readsPerRun ||
    info.continueAsNewSuggested ||
    info.historyLength >= EVENT_DAY_MAX_HISTORY_EVENTS ||
    info.historySize >= EVENT_DAY_MAX_HISTORY_BYTES;
  // Restarts are children of this run: it waits for them. Signals taken but not yet read go first.
  if (!due || day.restarts.size > 0 || day.pending.size > 0 || day.endRequested) return;
  log.info('Event day continues as new', { run: day.state.run, historyLength: info.historyLength });
  await continueAsNew<typeof eventDay>({
    ...input,
    onlineBy: iso(day.state.onlineByMs),
    offlineAt: iso(day.state.offlineAtMs),
    carried: day.state,
  });
}

/** Takes every flow offline with a child `takeFleetOffline` (`<id>/offline`) and records when each was STANDBY. */
async function takeOffline(day: EventDay): Promise<void> {
  const { state } = day;
  state.activeAtOffline = state.flows.filter((record) => record.status === FlowStatus.ACTIVE).length;
  showProgress(day);
  const result = await executeChild(takeFleetOffline, {
    workflowId: `${day.id}/offline`,
    args: [{ flowArns: [...day.flowArns] }],
    staticSummary: `Take ${day.flowArns.length} flows offline`,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  result.results.forEach((flow, index) => {
    const record = state.flows[index];
    if (flow.outcome === 'STANDBY') {
      const standbyAtMs = parseTime(flow.standbyAt);
      noteStatus(record, FlowStatus.STANDBY, standbyAtMs, false);
      record.stoppedAtMs = standbyAtMs;
      return;
    }
    if (flow.lastStatus) noteStatus(record, flow.lastStatus, Date.now(), false);
    record.offlineFailure = boundedNote(flow.failure ? `${flow.failure.type}: ${flow.failure.message}` : flow.outcome);
    log.warn('A flow of the event could not be taken offline', {
      flowArn: flow.flowArn,
      failure: record.offlineFailure,
    });
  });
}

function failureText(err: unknown): string {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

function failureLastStatus(err: unknown): FlowStatus | undefined {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { lastStatus?: unknown }) : undefined;
  return isFlowStatus(details?.lastStatus) ? details.lastStatus : undefined;
}

function parseTime(isoTime: string | undefined): number {
  const ms = isoTime === undefined ? NaN : Date.parse(isoTime);
  return Number.isNaN(ms) ? Date.now() : ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function progressLine(day: EventDay): Record<string, unknown> {
  const p = progress(day);
  return { phase: p.phase, statuses: p.statuses, incidents: p.incidents, restarts: p.restarts };
}
