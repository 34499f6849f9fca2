import { condition, continueAsNew, isCancellation, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { checkEventDayInput, EVENT_DAY_DEFAULTS } from '../common/event-day-input';
import { boundedNote, newEventDayState, noteStatus, type EventDayReport } from '../common/event-day-records';
import { isFlowStatus } from '../common/flow-status';
import { flowStatusChangedSignal } from './bring-flow-online';
import { bringOnline, startRestart, takeOffline } from './event-day-children';
import { readStatuses, type StatusChanges } from './event-day-reads';
import {
  endEventSignal,
  eventDayProgressQuery,
  eventDayReportQuery,
  flowOf,
  iso,
  newEventDay,
  progress,
  progressLine,
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
      onlineBy: iso(state.onlineByMs),
    });
  const waitMs = state.bringUpAtMs - Date.now();
  if (waitMs > 0) await condition(() => day.endRequested, waitMs);
  state.phase = day.endRequested ? 'ENDED' : 'BRINGING_ONLINE';
  showProgress(day);
}

/**
 * Signalled reads come at most this often: a storm of events (a flapping flow, duplicates) costs one
 * read a second, each for every flow signalled meanwhile, not one read an event.
 */
const SIGNALLED_READ_GAP_MS = 1_000;

/** Watches the flows until `offlineAt` or `endEvent`: signalled changes at once, a fallback read every `watchInterval`. */
async function watch(day: EventDay, input: EventDayInput): Promise<void> {
  const { state } = day;
  const everyFlow = day.flowArns.map((_, index) => index);
  let nextSignalledReadAtMs = 0;
  for (;;) {
    if (day.endRequested || Date.now() >= state.offlineAtMs) break;
    if (Date.now() >= (state.nextReadAtMs ?? 0)) {
      // A read of every flow: it answers the signalled changes too.
      day.pending.clear();
      state.nextReadAtMs = Date.now() + day.input.watchIntervalMs;
      day.readsThisRun += 1;
      apply(day, await readStatuses(day, everyFlow));
      await continueAsNewIfDue(day, input);
      continue;
    }
    if (day.pending.size > 0) {
      const gapMs = nextSignalledReadAtMs - Date.now();
      if (gapMs > 0) {
        await condition(() => day.endRequested, gapMs);
        continue;
      }
      nextSignalledReadAtMs = Date.now() + SIGNALLED_READ_GAP_MS;
      await takeSignalledChanges(day);
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

/** Continues as new when this run has read enough or its history is long, once nothing is in flight. */
async function continueAsNewIfDue(day: EventDay, input: EventDayInput): Promise<void> {
  const info = workflowInfo();
  const due =
    day.readsThisRun >= day.input.readsPerRun ||
    info.continueAsNewSuggested ||
    info.historyLength >= EVENT_DAY_MAX_HISTORY_EVENTS ||
    info.historySize >= EVENT_DAY_MAX_HISTORY_BYTES;
  // Restarts are children of this run: it waits for them.
  if (!due || day.restarts.size > 0 || day.endRequested) return;
  // Signalled changes not yet read are not carried: the next run reads every flow at once instead.
  if (day.pending.size > 0) day.state.nextReadAtMs = Date.now();
  log.info('Event day continues as new', { run: day.state.run, historyLength: info.historyLength });
  await continueAsNew<typeof eventDay>({
    ...input,
    onlineBy: iso(day.state.onlineByMs),
    offlineAt: iso(day.state.offlineAtMs),
    carried: day.state,
  });
}
