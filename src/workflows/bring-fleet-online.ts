import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { parseFlowArn, type FlowArnParts } from '../common/arn';
import {
  BRING_FLEET_ONLINE_DEFAULTS,
  checkBringFleetOnlineInput,
  MAX_FLEET_POLLS,
  MAX_FLEET_SIZE,
  STARTS_PENDING_POLL_INTERVAL_MS,
  type CheckedBringFleetOnlineInput,
} from '../common/bring-fleet-online-input';
import { FailureType } from '../common/failure-types';
import { FlowStatus } from '../common/flow-status';
import {
  FlowArnSearchAttribute,
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
} from '../common/search-attributes';
import { bringFlowOnline, type BringFlowOnlineInput } from './bring-flow-online';
import { coveredByRead, eventReadAtMs, readSignalled, takeEvents } from './fleet-events';
import {
  BUSY_READ_MS,
  readAndForward,
  readStatuses,
  startsDoneEstimateMs,
  startsPending,
  startsPendingReadIntervalMs,
  stillWaiting,
} from './fleet-reads';
import {
  cancelledResult,
  failedResult,
  fleetProgressQuery,
  progress,
  report,
  showProgress,
  type BringFleetOnlineInput,
  type BringFleetOnlineResult,
  type Fleet,
  type FleetFlow,
  type FleetFlowResult,
} from './fleet-state';

export {
  fleetProgressQuery,
  MAX_FLEET_FAILURE_MESSAGE,
  type BringFleetOnlineInput,
  type BringFleetOnlineProgress,
  type BringFleetOnlineResult,
  type FleetFlowResult,
} from './fleet-state';

export { BRING_FLEET_ONLINE_DEFAULTS, MAX_FLEET_POLLS, MAX_FLEET_SIZE, STARTS_PENDING_POLL_INTERVAL_MS };
/**
 * Brings a fleet of MediaConnect flows online within the account's request budget.
 *
 * Each flow gets its own child `bringFlowOnline` (workflow id `<fleet id>/<name>-<flow id>`), at
 * most `maxConcurrent` at a time. The fleet watches its flows with one status read per
 * `pollInterval`, one `readFlowStatuses` activity per region, which uses ListFlows or DescribeFlow,
 * whichever costs fewer calls for the flows still waiting (see `cheaperRead`), and returns only
 * the fleet's flows whose status changed: the fleet's history grows with the fleet, not with the
 * account. Each change goes to the flow's bring-up as a confirmed `flowStatusChanged` signal, so a
 * STARTING flow costs no call of its own; only a flow in ERROR costs a DescribeFlow, for its error
 * messages. With EventBridge events forwarded, each bring-up hands its flow's unconfirmed changes to
 * the fleet (see `fleet-events.ts`), which confirms those arriving together with one read of just those
 * flows and forwards what it read the same way; the timed reads stay the guarantee. Every call
 * spends the account's request budget (the `mediaConnectRequestBudget` workflow the worker's
 * activities ask), shared by every workflow and worker that names it.
 *
 * Returns one result per flow (ACTIVE, FAILED with the failure's type and message, or
 * CANCELLED) and never fails because a flow failed, unless `failFast` is set. Cancelling the
 * fleet cancels the bring-ups still running and returns the report, with each stopped flow's
 * status read after the cancellation.
 *
 * The fleet stays in a single run: continuing as new would cut it off from its children's
 * results (they stay attached to the run that started them). Its history is bounded instead:
 * at most {@link MAX_FLEET_SIZE} flows and {@link MAX_FLEET_POLLS} reads (about 11 events per
 * read and region and 10 per flow), and in bytes: a read's input names only the flows still
 * waiting, by flow id (about 34 bytes each), and its result only the changes.
 *
 * Fails, non-retryably and before any call, with `InvalidFlowArn` or `InvalidInput`; with
 * `FleetFailed` when `failFast` is set and a flow failed.
 */
export async function bringFleetOnline(input: BringFleetOnlineInput): Promise<BringFleetOnlineResult> {
  const fleet = newFleet(checkBringFleetOnlineInput(input));
  setHandler(fleetProgressQuery, () => progress(fleet));
  // Patch: fleets begun on an earlier version let each bring-up confirm its own events (replay keeps that).
  if (patched(FLEET_TAKES_EVENTS)) fleet.events = takeEvents(fleet, patched(EVENT_READS_PACED_WHILE_STARTING));
  try {
    await watch(fleet);
    return report(fleet);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled: stop the bring-ups, read where each flow was left, and report instead of failing.
    await CancellationScope.nonCancellable(() => stopBringUps(fleet));
    log.info('Fleet cancelled', { ...report(fleet), results: undefined });
    return report(fleet);
  }
}

function newFleet(options: CheckedBringFleetOnlineInput): Fleet {
  return {
    options,
    flows: options.flows.map((flow) => ({ flow, startSeen: false, unlisted: false })),
    id: workflowInfo().workflowId,
    startedAtMs: Date.now(),
    searchAttributes: childSearchAttributes(),
    accountFlows: new Map(),
    reads: 0,
    readCalls: { ListFlows: 0, DescribeFlow: 0 },
    settled: false,
    bringUps: [],
  };
}

/** Patch: the fleet takes its bring-ups' unconfirmed status changes and confirms them with its own reads. */
const FLEET_TAKES_EVENTS = 'fleet-takes-events';

/** Patch: while its starts go out, the fleet's event reads keep a gap (`EVENT_READ_GAP_WHILE_STARTING_MS`). */
const EVENT_READS_PACED_WHILE_STARTING = 'fleet-event-reads-paced-while-starting';

/**
 * Patch: while starts go out, the fleet reads no later than when they should be done. A fleet that
 * began on an earlier version keeps its read schedule when its history is replayed.
 */
const READS_PACED_TO_STARTS = 'fleet-reads-paced-to-starts';

/**
 * Patch: the fleet paces its timed reads while any of its starts is pending, not only after a read
 * that waited long in the request budget. Reads now go ahead of the starts in the budget (its write
 * lane), so a read no longer waits when the starts keep the budget busy, and reading every
 * `pollInterval` would take the starts' tokens (a 6-page read every 2.4 s put the big-account fleet
 * 54 % over its floor).
 */
const READS_PACED_WHILE_STARTING = 'fleet-reads-paced-while-starting';

/**
 * The fleet's loop: a first read (the snapshot every bring-up starts from), then bring-ups
 * launched as slots free up, and reads at their pace, until every flow has its result.
 * @throws ApplicationFailure `FleetFailed` (failFast) or `FleetPollLimit`.
 */
async function watch(fleet: Fleet): Promise<void> {
  const pacedToStarts = patched(READS_PACED_TO_STARTS);
  const pacedWhileStarting = patched(READS_PACED_WHILE_STARTING);
  // If MediaConnect cannot be read for 10 minutes the fleet fails here, before it has started anything.
  await readStatuses(fleet, stillWaiting(fleet));
  startsDoneEstimateMs(fleet); // the pace's starting point
  let nextReadAtMs = Date.now() + startsPendingReadIntervalMs(fleet);
  for (;;) {
    if (fleet.options.failFast && fleet.firstFailure) throw await failFast(fleet, fleet.firstFailure);
    launchBringUps(fleet);
    if (fleet.flows.every((entry) => entry.result)) return;
    if (Date.now() >= nextReadAtMs) {
      const starting = startsPending(fleet);
      // Paced from the read's start. While starts are pending the reads hold back, so that they leave
      // the starts their tokens (before READS_PACED_WHILE_STARTING: only after a read that waited long
      // behind the starts, which reads no longer do).
      const readStartedAtMs = Date.now();
      coveredByRead(fleet.events, stillWaiting(fleet));
      await readAndForward(fleet);
      const holdBack = pacedWhileStarting || Date.now() - readStartedAtMs > BUSY_READ_MS;
      const startsDoneAtMs = pacedToStarts ? (startsDoneEstimateMs(fleet) ?? Infinity) : Infinity;
      fleet.startsDoneAtMs = starting && Number.isFinite(startsDoneAtMs) ? startsDoneAtMs : undefined;
      nextReadAtMs =
        starting && holdBack
          ? Math.max(
              readStartedAtMs + fleet.options.pollIntervalMs,
              Math.min(readStartedAtMs + startsPendingReadIntervalMs(fleet), startsDoneAtMs),
            )
          : readStartedAtMs + fleet.options.pollIntervalMs;
      if (fleet.reads - (fleet.events?.reads ?? 0) > MAX_FLEET_POLLS + 100) throw pollLimitFailure(fleet);
      continue;
    }
    const eventsAtMs = eventReadAtMs(fleet.events);
    if (fleet.events && eventsAtMs !== undefined && eventsAtMs <= Date.now()) {
      await readSignalled(fleet, fleet.events);
      continue;
    }
    fleet.settled = false;
    // A settled bring-up frees a slot (or fails a failFast fleet) at once, and a handed-over change is
    // read at once (or when the event reads' gap ends); timed reads keep their pace.
    const changeWaits = eventsAtMs !== undefined;
    await condition(
      () => fleet.settled || (!changeWaits && eventReadAtMs(fleet.events) !== undefined),
      Math.max(1, Math.min(nextReadAtMs, eventsAtMs ?? Infinity) - Date.now()),
    );
  }
}

/** Launches bring-ups for the flows waiting for a slot, as far as `maxConcurrent` allows. */
function launchBringUps(fleet: Fleet): void {
  const running = fleet.flows.filter((entry) => entry.scope && !entry.result).length;
  const waiting = fleet.flows.filter((entry) => !entry.scope && !entry.result);
  for (const entry of waiting.slice(0, Math.max(0, fleet.options.maxConcurrent - running))) launch(fleet, entry);
}

function launch(fleet: Fleet, entry: FleetFlow): void {
  const { flow } = entry;
  const known = entry.unlisted ? undefined : entry.lastStatus;
  const childInput: BringFlowOnlineInput = {
    flowArn: flow.arn,
    timeout: Math.max(1_000, fleet.startedAtMs + fleet.options.timeoutMs - Date.now()),
    // Watched by the fleet's reads: the child's own timer is only a fallback. A flow that
    // MediaConnect did not report is left to the child's own polling.
    ...(known !== undefined && { knownStatus: known, pollInterval: fleet.options.childPollIntervalMs }),
    ...(fleet.events && known !== undefined && { eventsToParent: true }),
  };
  entry.childKnows = known;
  entry.scope = new CancellationScope();
  const bringUp = entry.scope
    .run(async () => {
      entry.child = await startChild(bringFlowOnline, {
        workflowId: `${fleet.id}/${flow.flowName}-${flow.flowId}`,
        args: [childInput],
        staticSummary: `Bring ${flow.flowName} online`,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(fleet.searchAttributes && { typedSearchAttributes: fleet.searchAttributes(flow) }),
      });
      return entry.child.result();
    })
    .then(
      (result) => {
        entry.result = {
          flowArn: flow.arn,
          outcome: 'ACTIVE',
          lastStatus: FlowStatus.ACTIVE,
          activeAt: result.activeAt,
        };
      },
      (err: unknown) => {
        entry.result = isCancellation(err) ? cancelledResult(entry) : failedResult(flow, err, entry.lastStatus);
        if (entry.result.outcome !== 'FAILED') return;
        log.warn('Flow failed', { flowArn: flow.arn, failure: entry.result.failure });
        fleet.firstFailure ??= entry.result;
      },
    )
    .finally(() => {
      fleet.settled = true;
      showProgress(fleet);
    });
  fleet.bringUps.push(bringUp);
}

/** failFast: stops the other bring-ups and returns the fleet's failure, with the report. */
async function failFast(fleet: Fleet, first: FleetFlowResult): Promise<ApplicationFailure> {
  await CancellationScope.nonCancellable(() => stopBringUps(fleet));
  const result = report(fleet);
  return ApplicationFailure.create({
    type: FailureType.FleetFailed,
    message: `Flow ${parseFlowArn(first.flowArn).flowName} failed (${first.failure?.type}: ${first.failure?.message}); the ${result.cancelled} flows not yet ACTIVE were cancelled (failFast)`,
    nonRetryable: true,
    details: [result],
  });
}

/**
 * Cancels the bring-ups still running (and the flows still waiting for a slot), waits until each
 * has ended, then reads the status every stopped flow was left in.
 */
async function stopBringUps(fleet: Fleet): Promise<void> {
  for (const entry of fleet.flows) {
    if (entry.result) continue;
    if (entry.scope) entry.scope.cancel();
    else entry.result = cancelledResult(entry);
  }
  await Promise.all(fleet.bringUps);
  const stopped = fleet.flows.filter((entry) => entry.result?.outcome === 'CANCELLED');
  try {
    await readStatuses(
      fleet,
      stopped.filter((entry) => !entry.unlisted),
    );
  } catch (err) {
    log.warn('Could not read the flows’ last statuses after the cancellation', { error: String(err) });
  }
  for (const entry of stopped) entry.result = cancelledResult(entry);
}

function pollLimitFailure(fleet: Fleet): ApplicationFailure {
  // Unreachable while the children keep their deadlines; kept as the history's last guard.
  return ApplicationFailure.create({
    type: FailureType.FleetPollLimit,
    message: `The fleet made ${fleet.reads} status reads, past its limit of ${MAX_FLEET_POLLS}, and stopped`,
    nonRetryable: true,
    details: [report(fleet)],
  });
}

/**
 * Where the fleet itself carries this package's search attributes, the namespace declares them:
 * each bring-up then gets the fleet's attributes with its own flow name, region and ARN (the ARN
 * is how the EventBridge forwarder finds it) and keeps its status attribute up to date. Otherwise
 * the bring-ups get none.
 */
function childSearchAttributes(): ((flow: FlowArnParts) => SearchAttributePair[]) | undefined {
  const parent = workflowInfo().typedSearchAttributes;
  const declared =
    parent.get(FlowNameSearchAttribute) !== undefined || parent.get(FlowRegionSearchAttribute) !== undefined;
  if (!declared) return undefined;
  const ownPerFlow = new Set([
    FlowNameSearchAttribute.name,
    FlowRegionSearchAttribute.name,
    FlowArnSearchAttribute.name,
  ]);
  const inherited = parent.getAll().filter((pair) => !ownPerFlow.has(pair.key.name));
  return (flow) => [
    ...inherited,
    { key: FlowNameSearchAttribute, value: flow.flowName },
    { key: FlowRegionSearchAttribute, value: flow.region },
    { key: FlowArnSearchAttribute, value: flow.arn },
  ];
}
