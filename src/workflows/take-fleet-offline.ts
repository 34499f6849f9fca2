import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import { AwsErrorName, FailureType } from '../common/failure-types';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { MAX_FLEET_POLLS } from '../common/bring-fleet-online-input';
import { checkTakeFleetOfflineInput, TAKE_FLEET_OFFLINE_DEFAULTS } from '../common/take-fleet-offline-input';
import { failIfPermanent } from './activity-failures';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';
import { readFleetStatuses, writesPendingReadIntervalMs } from './fleet-reads';
import { boundedFailureMessage, fleetFailure } from './fleet-state';
import { flowStatusChangedSignal, formatSeconds, type FlowStatusChange } from './flow-watch';
import {
  cancelledResult,
  offlineFleetProgressQuery,
  progress,
  report,
  showProgress,
  type OfflineFleet,
  type OfflineFlow,
  type OfflineFlowResult,
  type TakeFleetOfflineInput,
  type TakeFleetOfflineResult,
} from './offline-fleet-state';

export {
  offlineFleetProgressQuery,
  type OfflineFlowResult,
  type TakeFleetOfflineInput,
  type TakeFleetOfflineProgress,
  type TakeFleetOfflineResult,
} from './offline-fleet-state';
export { TAKE_FLEET_OFFLINE_DEFAULTS };

/**
 * Takes a fleet of MediaConnect flows offline, in any regions, within the account's request budget.
 *
 * The fleet runs no child workflows: it reads its own flows' statuses (one `readFlowStatuses`
 * activity per region and read, ListFlows or DescribeFlow, whichever costs fewer calls, returning
 * only the changes), sends StopFlow (one activity each, to the flow's region) to every flow it
 * reads ACTIVE or ERROR, and reads again every `pollInterval` until each flow is STANDBY (while
 * StopFlows are still under way, at most one read per 10 s per call it costs: the reads would
 * otherwise take the stops' tokens in the request budget). Each flow
 * is settled as `takeFlowOffline` settles it: STANDBY needs nothing, STOPPING is waited for,
 * STARTING and UPDATING are waited out and then decided again, DELETING fails with `FlowDeleted`, a
 * flow MediaConnect does not report fails with `NotFoundException`. A `flowStatusChanged` signal
 * naming one of its flows brings the next read forward, within that pace (a confirmed one is taken
 * as a read).
 *
 * Returns one result per flow (STANDBY, FAILED with the failure's type and message, or CANCELLED)
 * and never fails because a flow failed. Cancelling the fleet cancels the StopFlows under way (a
 * StopFlow already sent stays sent), reads where each flow was left and returns the report.
 *
 * Bounded: at most `MAX_FLEET_SIZE` flows and `timeout / pollInterval` reads (signals add at most
 * one a second, and never past twice `MAX_FLEET_POLLS`), each read's input naming only the flows still waiting, by flow id, and its result
 * only the changes; one StopFlow activity per flow (again for a flow started again meanwhile).
 *
 * Fails, non-retryably and before any call, with `InvalidFlowArn` or `InvalidInput`.
 */
export async function takeFleetOffline(input: TakeFleetOfflineInput): Promise<TakeFleetOfflineResult> {
  const fleet = newFleet(input);
  setHandler(offlineFleetProgressQuery, () => progress(fleet));
  setHandler(flowStatusChangedSignal, (change = {}) => hear(fleet, change));
  try {
    await takeOffline(fleet);
    await Promise.all(fleet.stops); // none left behind, even for a flow found STANDBY meanwhile
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => readWhereLeft(fleet));
    log.info('Fleet cancelled', { ...report(fleet), results: undefined });
  }
  return report(fleet);
}

function newFleet(input: TakeFleetOfflineInput): OfflineFleet {
  const { flows, pollIntervalMs, timeoutMs } = checkTakeFleetOfflineInput(input);
  const entries: OfflineFlow[] = flows.map((flow) => ({ flow, unlisted: false, stops: 0, stopping: false }));
  return {
    flows: entries,
    byArn: new Map(entries.map((entry) => [entry.flow.arn, entry])),
    startedAtMs: Date.now(),
    deadlineMs: Date.now() + timeoutMs,
    pollIntervalMs,
    nextReadAtMs: Date.now(),
    lastReadAtMs: Date.now(),
    woken: false,
    stops: [],
    accountFlows: new Map(),
    reads: 0,
    readCalls: { ListFlows: 0, DescribeFlow: 0 },
  };
}

/**
 * Patch: while any of its StopFlows is still under way, the fleet reads at most once per
 * `STARTS_PENDING_POLL_INTERVAL_MS` (10 s) per call a read costs, as `bringFleetOnline` does while
 * its starts go out. Reads go ahead of StopFlows in the request budget (its write lane), so reading
 * every `pollInterval` took the stops' tokens: a fleet of 1000 in an account of 6000 flows read 6
 * pages every 2 s and took 479 s to go offline against a floor of 224 s.
 */
const READS_PACED_WHILE_STOPPING = 'offline-fleet-reads-paced-while-stopping';

/** The fleet's loop: read, settle each flow (stopping those that need it), wait for the next read or news. */
async function takeOffline(fleet: OfflineFleet): Promise<void> {
  const pacedWhileStopping = patched(READS_PACED_WHILE_STOPPING);
  // If MediaConnect cannot be read for 10 minutes the fleet fails here, before it has stopped anything.
  await read(fleet);
  for (;;) {
    settle(fleet);
    showProgress(fleet);
    if (fleet.flows.every((entry) => entry.result)) return;
    if (Date.now() >= fleet.deadlineMs) {
      await Promise.all(fleet.stops); // each ends by the deadline too
      settle(fleet, false);
      timeOut(fleet);
      return;
    }
    const readAtMs = pacedWhileStopping ? nextReadAtMs(fleet) : fleet.nextReadAtMs;
    if (Date.now() >= readAtMs) {
      await readOrCarryOn(fleet);
      continue;
    }
    fleet.woken = false;
    await condition(() => fleet.woken, Math.max(1, Math.min(readAtMs, fleet.deadlineMs) - Date.now()));
  }
}

/**
 * When the next read is due: at `nextReadAtMs` (a `pollInterval` after the last read, or sooner for a
 * signal), but while StopFlows are under way no sooner than their pace allows. The last StopFlow's
 * answer wakes the loop, and the reads return to their own pace at once.
 */
function nextReadAtMs(fleet: OfflineFleet): number {
  if (!fleet.flows.some((entry) => entry.stopping)) return fleet.nextReadAtMs;
  const pausedMs = writesPendingReadIntervalMs(fleet, stillWaiting(fleet), fleet.pollIntervalMs);
  return Math.max(fleet.nextReadAtMs, fleet.lastReadAtMs + pausedMs);
}

/** Flows whose result is still open and that MediaConnect reports: what a read asks about. */
function stillWaiting(fleet: OfflineFleet): OfflineFlow[] {
  return fleet.flows.filter((entry) => !entry.result && !entry.unlisted);
}

async function read(fleet: OfflineFleet): Promise<void> {
  fleet.lastReadAtMs = Date.now();
  fleet.nextReadAtMs = fleet.lastReadAtMs + fleet.pollIntervalMs;
  await readFleetStatuses(fleet, stillWaiting(fleet));
}

/** A read after the first: a failed one is logged, and the next one tried at its time. */
async function readOrCarryOn(fleet: OfflineFleet): Promise<void> {
  try {
    await read(fleet);
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('Reading the flows’ statuses failed; the next read follows', { error: String(err) });
  }
}

/**
 * Decides each waiting flow by its last status: done, failed, to be stopped (unless `stopping` is
 * false: after the deadline or a cancellation), or still waiting.
 */
function settle(fleet: OfflineFleet, stopping = true): void {
  for (const entry of fleet.flows) {
    if (entry.result) continue;
    const { flow, lastStatus } = entry;
    if (entry.unlisted) {
      entry.result = failed(entry, AwsErrorName.NotFound, `MediaConnect does not report flow ${flow.arn}`);
    } else if (lastStatus === FlowStatus.STANDBY) {
      entry.result = {
        flowArn: flow.arn,
        outcome: 'STANDBY',
        lastStatus,
        standbyAt: new Date(Date.now()).toISOString(),
        stops: entry.stops,
      };
    } else if (lastStatus === FlowStatus.DELETING) {
      entry.result = failed(entry, FailureType.FlowDeleted, `Flow ${flow.flowName} is being deleted`);
    } else if ((lastStatus === FlowStatus.ACTIVE || lastStatus === FlowStatus.ERROR) && !entry.stopping) {
      // STARTING and UPDATING are waited out (MediaConnect need not accept a stop mid-transition), STOPPING waited for.
      if (stopping) stop(fleet, entry);
    }
  }
}

/** Sends one StopFlow (not awaited: the loop goes on); its answer is the flow's new status. */
function stop(fleet: OfflineFleet, entry: OfflineFlow): void {
  const { flow } = entry;
  entry.stopping = true;
  entry.stops += 1;
  const { stopFlow } = proxyActivities<MediaConnectActivities>({
    ...BUDGETED_ACTIVITY_OPTIONS,
    scheduleToCloseTimeout: Math.max(1_000, fleet.deadlineMs - Date.now()),
    summary: `StopFlow ${flow.flowName}`,
  });
  const stopped = stopFlow({ flowArn: flow.arn })
    .then(
      (answer) => {
        if (!entry.result) entry.lastStatus = answer.status;
      },
      (err: unknown) => {
        if (entry.result || isCancellation(err)) return;
        try {
          entry.lastError = failIfPermanent(err);
        } catch (permanent) {
          if (isCancellation(permanent)) return;
          const { failure } = fleetFailure(permanent);
          entry.result = { ...cancelledResult(entry), outcome: 'FAILED', failure };
          log.warn('Flow failed', { flowArn: flow.arn, failure });
        }
      },
    )
    .finally(() => {
      entry.stopping = false;
      fleet.woken = true;
    });
  fleet.stops.push(stopped);
}

/**
 * Signalled reads come at most this often: an event storm costs one read a second, not one read an
 * event (each read asks about every flow still waiting).
 */
const SIGNALLED_READ_GAP_MS = 1_000;

/**
 * A status change for one of the fleet's flows: a confirmed one is taken as a read; an unconfirmed
 * one that says something new brings the next read forward (reads stay at most twice
 * `MAX_FLEET_POLLS`, so an endless stream of events cannot grow the history without bound).
 */
function hear(fleet: OfflineFleet, change: FlowStatusChange): void {
  const entry = change.flowArn === undefined ? undefined : fleet.byArn.get(change.flowArn);
  if (!entry || entry.result) return;
  if (change.confirmed && isFlowStatus(change.currentStatus)) {
    entry.lastStatus = change.currentStatus;
  } else {
    if (change.currentStatus === entry.lastStatus || fleet.reads >= 2 * MAX_FLEET_POLLS) return;
    const soonest = Math.max(Date.now(), fleet.lastReadAtMs + SIGNALLED_READ_GAP_MS);
    fleet.nextReadAtMs = Math.min(fleet.nextReadAtMs, soonest);
  }
  fleet.woken = true;
}

function failed(entry: OfflineFlow, type: string, message: string): OfflineFlowResult {
  return { ...cancelledResult(entry), outcome: 'FAILED', failure: { type, message } };
}

/** The deadline passed: every flow not yet STANDBY fails with `FlowStopTimeout`. */
function timeOut(fleet: OfflineFleet): void {
  const waited = formatSeconds(Date.now() - fleet.startedAtMs);
  for (const entry of fleet.flows) {
    if (entry.result) continue;
    const lastError = entry.lastError ? `; last error: ${entry.lastError}` : '';
    const message = `Flow ${entry.flow.flowName} was not STANDBY after ${waited}; last status ${entry.lastStatus ?? 'unknown'}${lastError}`;
    entry.result = failed(entry, FailureType.FlowStopTimeout, boundedFailureMessage(message));
  }
}

/** Cancelled: waits until the StopFlows under way have ended, then reads where each waiting flow was left. */
async function readWhereLeft(fleet: OfflineFleet): Promise<void> {
  await Promise.all(fleet.stops);
  try {
    await readFleetStatuses(fleet, stillWaiting(fleet));
  } catch (err) {
    log.warn('Could not read the flows’ last statuses after the cancellation', { error: String(err) });
  }
  settle(fleet, false); // a flow found STANDBY is reported STANDBY; no StopFlow is sent once cancelled
  showProgress(fleet);
}
