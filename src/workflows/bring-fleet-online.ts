import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  defineQuery,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Duration, SearchAttributePair } from '@temporalio/common';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import { parseFlowArn, type FlowArnParts } from '../common/arn';
import {
  BRING_FLEET_ONLINE_DEFAULTS,
  checkBringFleetOnlineInput,
  MAX_FLEET_POLLS,
  MAX_FLEET_SIZE,
  STARTS_PENDING_POLL_INTERVAL_MS,
  type CheckedBringFleetOnlineInput,
} from '../common/bring-fleet-online-input';
import { detailsMarkdown } from '../common/details-markdown';
import { FailureType } from '../common/failure-types';
import { FlowStatus, isStartedStatus } from '../common/flow-status';
import { cheaperRead, readCost, UNKNOWN_STATUS, type FlowStatusReadOperation } from '../common/flow-status-reads';
import { FlowNameSearchAttribute, FlowRegionSearchAttribute } from '../common/search-attributes';
import { bringFlowOnline, flowStatusChangedSignal, type BringFlowOnlineInput } from './bring-flow-online';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';
import { recordFleetFlows } from './metrics';

/** Input of {@link bringFleetOnline}. */
export interface BringFleetOnlineInput {
  /** ARNs of the flows to bring online: at least one, no duplicates, at most {@link MAX_FLEET_SIZE}. */
  flowArns: string[];
  /**
   * How many flows are brought up at the same time (one child workflow each); the others wait
   * for a slot, in the order given. The request budget already paces the StartFlows; a bound
   * below about `requests per second x (STARTING time + 2 s)` (5 x 32 = 160 for a 30 s start)
   * slows the fleet down, because a slot frees only once its flow is ACTIVE.
   * @default 1000 (every flow of the fleet: the budget paces them)
   */
  maxConcurrent?: number;
  /**
   * Time between two status reads once every StartFlow has been issued. While starts are still
   * being issued the fleet reads only every {@link STARTS_PENDING_POLL_INTERVAL_MS} (10 s) per call a
   * read costs (60 s for 6 ListFlows pages), so that its reads do not eat the request budget the
   * starts need.
   * @default '2s'
   */
  pollInterval?: Duration;
  /**
   * How long each flow may take to become ACTIVE, from the fleet's start; a flow that is not
   * ACTIVE by then fails with `FlowStartTimeout` (the others are unaffected).
   * @default '15m'
   */
  timeout?: Duration;
  /**
   * True: the first flow that fails cancels the bring-ups still running and fails the fleet
   * with type `FleetFailed` (details carry the per-flow report). False: failures are reported
   * per flow and the other flows carry on.
   * @default false
   */
  failFast?: boolean;
  /**
   * Poll interval of each flow's own `bringFlowOnline`. The fleet forwards every status change
   * it reads, so the child's own timer is only a fallback (for example while the fleet's reads
   * are being throttled).
   * @default '2m'
   */
  childPollInterval?: Duration;
}

export { BRING_FLEET_ONLINE_DEFAULTS, MAX_FLEET_POLLS, MAX_FLEET_SIZE, STARTS_PENDING_POLL_INTERVAL_MS };

/** What happened to one flow of the fleet. */
export interface FleetFlowResult {
  flowArn: string;
  /** ACTIVE: brought online. FAILED: see `failure`. CANCELLED: the fleet was cancelled (or failed fast) first. */
  outcome: 'ACTIVE' | 'FAILED' | 'CANCELLED';
  /** The last status seen for the flow (by its bring-up, or the fleet's last read); undefined if never read. */
  lastStatus?: FlowStatus;
  /** When the flow's bring-up saw it ACTIVE (ISO 8601). */
  activeAt?: string;
  /**
   * Why the flow failed: the bring-up's failure `type` (`FlowError`, `FlowStartTimeout`, an AWS error
   * name, ...) and message, cut at {@link MAX_FLEET_FAILURE_MESSAGE} characters (the bring-up's own
   * failure has it whole).
   */
  failure?: { type: string; message: string };
}

/** What {@link bringFleetOnline} returns: one result per flow, in input order. */
export interface BringFleetOnlineResult {
  results: FleetFlowResult[];
  active: number;
  failed: number;
  cancelled: number;
  /** Status reads the fleet made (each one `readFlowStatuses` activity per region). */
  reads: number;
  /** MediaConnect calls those reads made, by operation. */
  readCalls: Record<FlowStatusReadOperation, number>;
}

/** Live progress, as the `fleetProgress` query returns it. */
export interface BringFleetOnlineProgress {
  /** Per flow, in input order: `RUNNING` while its bring-up runs, `WAITING` while it waits for a slot. */
  flows: Array<{
    flowArn: string;
    outcome: FleetFlowResult['outcome'] | 'RUNNING' | 'WAITING';
    lastStatus?: FlowStatus;
  }>;
  active: number;
  failed: number;
  running: number;
  waiting: number;
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
}

/** Query: the fleet's progress so far. */
export const fleetProgressQuery = defineQuery<BringFleetOnlineProgress>('fleetProgress');

/** One flow of the fleet, as the fleet tracks it. */
interface FleetFlow {
  flow: FlowArnParts;
  result?: FleetFlowResult;
  /** Last status the fleet read. */
  lastStatus?: FlowStatus;
  /** A status that proves the flow was started (STARTING, ACTIVE, UPDATING) was seen. */
  startSeen: boolean;
  /** MediaConnect did not report the flow (deleted, another account): the fleet stops reading it and its bring-up polls on its own. */
  unlisted: boolean;
  /** The status its bring-up is known to have: its knownStatus, then each status forwarded since. */
  childKnows?: FlowStatus;
  scope?: CancellationScope;
  child?: ChildWorkflowHandle<typeof bringFlowOnline>;
}

/** The fleet's state: what every step below reads and changes. */
interface Fleet {
  readonly options: CheckedBringFleetOnlineInput;
  readonly flows: FleetFlow[];
  readonly id: string;
  readonly startedAtMs: number;
  /** The search attributes of each bring-up, where the fleet carries this package's. */
  readonly searchAttributes?: (flow: FlowArnParts) => SearchAttributePair[];
  /** Per region: how many flows the account holds there, as the region's last ListFlows counted them. */
  readonly accountFlows: Map<string, number>;
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
  firstFailure?: FleetFlowResult;
  /** A bring-up settled since the watch loop last waited: a slot is free, or failFast must act. */
  settled: boolean;
  readonly bringUps: Promise<void>[];
}

/** Statuses worth forwarding to a bring-up: the ones it decides on. STARTING and UPDATING change nothing for it. */
const FORWARDED: ReadonlySet<FlowStatus> = new Set([
  FlowStatus.ACTIVE,
  FlowStatus.ERROR,
  FlowStatus.STANDBY,
  FlowStatus.STOPPING,
  FlowStatus.DELETING,
]);

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
 * messages. Every call spends the account's request budget (the `mediaConnectRequestBudget`
 * workflow the worker's activities ask), shared by every workflow and worker that names it.
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

/**
 * The fleet's loop: a first read (the snapshot every bring-up starts from), then bring-ups
 * launched as slots free up, and reads at their pace, until every flow has its result.
 * @throws ApplicationFailure `FleetFailed` (failFast) or `FleetPollLimit`.
 */
async function watch(fleet: Fleet): Promise<void> {
  // If MediaConnect cannot be read for 10 minutes the fleet fails here, before it has started anything.
  await readStatuses(fleet, stillWaiting(fleet));
  let nextReadAtMs = Date.now() + startsPendingReadIntervalMs(fleet);
  for (;;) {
    if (fleet.options.failFast && fleet.firstFailure) throw await failFast(fleet, fleet.firstFailure);
    launchBringUps(fleet);
    if (fleet.flows.every((entry) => entry.result)) return;
    if (Date.now() >= nextReadAtMs) {
      const startsPending = fleet.flows.some((entry) => !entry.result && !entry.startSeen);
      // Paced from the read's start: a read that waited its turn behind the starts is not followed by
      // a long pause. A read that did not wait shows the budget has room again: no need to hold back.
      const readStartedAtMs = Date.now();
      await readAndForward(fleet);
      const budgetBusy = Date.now() - readStartedAtMs > BUSY_READ_MS;
      nextReadAtMs =
        readStartedAtMs +
        (startsPending && budgetBusy ? startsPendingReadIntervalMs(fleet) : fleet.options.pollIntervalMs);
      if (fleet.reads > MAX_FLEET_POLLS + 100) throw pollLimitFailure(fleet);
      continue;
    }
    fleet.settled = false;
    // A settled bring-up frees a slot (or fails a failFast fleet) at once; reads keep their pace.
    await condition(() => fleet.settled, Math.max(1, nextReadAtMs - Date.now()));
  }
}

/** A read that takes longer than this waited for its turn in the request budget: the starts are still using it. */
const BUSY_READ_MS = 5_000;

/**
 * Time between reads while StartFlows are still being issued and the budget is busy: {@link STARTS_PENDING_POLL_INTERVAL_MS}
 * (10 s) per call a read costs, so that the reads take no more than one call in 10 s from the
 * budget the starts need (a read of 6 ListFlows pages every 60 s). Still often enough that a bring-up
 * hears of its flow's ACTIVE before its own fallback timer (`childPollInterval`, 2 min) fires.
 */
function startsPendingReadIntervalMs(fleet: Fleet): number {
  const byRegion = new Map<string, number>();
  for (const entry of stillWaiting(fleet)) byRegion.set(entry.flow.region, (byRegion.get(entry.flow.region) ?? 0) + 1);
  const calls = [...byRegion].reduce(
    (sum, [region, waiting]) => sum + readCost(waiting, fleet.accountFlows.get(region)),
    0,
  );
  return Math.max(fleet.options.startsPendingPollMs, calls * STARTS_PENDING_POLL_INTERVAL_MS);
}

/** Flows whose result is still open and that MediaConnect reports: what a read asks about. */
function stillWaiting(fleet: Fleet): FleetFlow[] {
  return fleet.flows.filter((entry) => !entry.result && !entry.unlisted);
}

/** One read and the signals it calls for; a failed read is logged and the next one tried. */
async function readAndForward(fleet: Fleet): Promise<void> {
  try {
    await readStatuses(fleet, stillWaiting(fleet));
  } catch (err) {
    if (isCancellation(err)) throw err;
    // The bring-ups' own timers carry on meanwhile; the next read may fare better.
    log.warn('Reading the flows’ statuses failed; the bring-ups poll on their own until the next read', {
      error: String(err),
    });
    return;
  }
  forwardStatuses(fleet);
}

/**
 * Reads the statuses of `entries`, one activity per region (in parallel), each the cheaper of
 * ListFlows and DescribeFlow for that region, and records what changed.
 */
async function readStatuses(fleet: Fleet, entries: FleetFlow[]): Promise<void> {
  const byRegion = new Map<string, FleetFlow[]>();
  for (const entry of entries) {
    const group = byRegion.get(entry.flow.region);
    if (group) group.push(entry);
    else byRegion.set(entry.flow.region, [entry]);
  }
  // Every region's read ends before the next read begins, even when another region's fails.
  const outcomes = await Promise.allSettled([...byRegion].map(([region, group]) => readRegion(fleet, region, group)));
  fleet.reads += byRegion.size > 0 ? 1 : 0;
  showProgress(fleet);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

async function readRegion(fleet: Fleet, region: string, group: FleetFlow[]): Promise<void> {
  const operation = cheaperRead(group.length, fleet.accountFlows.get(region));
  // Grouped by the status already known, so that only changes come back; flow ids are the compact form ListFlows needs.
  const flows: Partial<Record<string, string[]>> = {};
  for (const { flow, lastStatus } of group)
    (flows[lastStatus ?? UNKNOWN_STATUS] ??= []).push(operation === 'ListFlows' ? flow.flowId : flow.arn);
  const { readFlowStatuses } = proxyActivities<MediaConnectActivities>({
    ...BUDGETED_ACTIVITY_OPTIONS,
    // A read waits its turn in the request budget, behind the StartFlows already reserved.
    scheduleToCloseTimeout: '10m',
    summary: `${operation}: ${group.length} flows in ${region}`,
  });
  const accountFlows = fleet.accountFlows.get(region);
  const result = await readFlowStatuses({
    region,
    operation,
    flows,
    ...(accountFlows !== undefined && { accountFlows }),
  });
  fleet.readCalls[operation] += result.calls;
  if (result.accountFlows !== undefined) fleet.accountFlows.set(region, result.accountFlows);
  const byId = new Map(group.map((entry) => [entry.flow.flowId, entry]));
  for (const [flowId, status] of Object.entries(result.changed)) {
    const entry = byId.get(flowId);
    if (!entry) continue;
    entry.lastStatus = status;
    if (isStartedStatus(status)) entry.startSeen = true;
  }
  for (const flowId of result.missing) {
    const entry = byId.get(flowId);
    if (!entry) continue;
    entry.unlisted = true;
    log.warn('MediaConnect does not report this flow; its bring-up checks it on its own', {
      flowArn: entry.flow.arn,
      operation,
    });
  }
}

/** Sends each running bring-up the statuses it decides on that it has not been told yet. */
function forwardStatuses(fleet: Fleet): void {
  for (const entry of fleet.flows) {
    const { child, lastStatus: status } = entry;
    if (entry.result || child === undefined || status === undefined || status === entry.childKnows) continue;
    entry.childKnows = status;
    // STANDBY/STOPPING before anyone saw a start is the flow waiting for its StartFlow, not a stop.
    const meaningful =
      FORWARDED.has(status) && (entry.startSeen || (status !== FlowStatus.STANDBY && status !== FlowStatus.STOPPING));
    // Not awaited: the next read need not wait until hundreds of signals are delivered. A bring-up
    // that has just finished can no longer be signalled: its result says it all.
    if (meaningful)
      void child.signal(flowStatusChangedSignal, { currentStatus: status, confirmed: true }).catch(() => undefined);
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

/** A flow the fleet stopped, with the last status the fleet read. */
function cancelledResult(entry: FleetFlow): FleetFlowResult {
  return { flowArn: entry.flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus };
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

/** The fleet's result: every flow's outcome, in input order (CANCELLED where none was reached). */
function report(fleet: Fleet): BringFleetOnlineResult {
  const results = fleet.flows.map((entry) => entry.result ?? cancelledResult(entry));
  const count = (outcome: FleetFlowResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return {
    results,
    active: count('ACTIVE'),
    failed: count('FAILED'),
    cancelled: count('CANCELLED'),
    reads: fleet.reads,
    readCalls: { ...fleet.readCalls },
  };
}

function progress(fleet: Fleet): BringFleetOnlineProgress {
  const flows = fleet.flows.map((entry) => ({
    flowArn: entry.flow.arn,
    outcome: entry.result?.outcome ?? (entry.scope ? ('RUNNING' as const) : ('WAITING' as const)),
    lastStatus: entry.result?.lastStatus ?? entry.lastStatus,
  }));
  const count = (outcome: string) => flows.filter((f) => f.outcome === outcome).length;
  return {
    flows,
    active: count('ACTIVE'),
    failed: count('FAILED'),
    running: count('RUNNING'),
    waiting: count('WAITING'),
    reads: fleet.reads,
    readCalls: { ...fleet.readCalls },
  };
}

/** Keeps the Web UI's "current details" in step with the fleet. */
function showProgress(fleet: Fleet): void {
  const p = progress(fleet);
  recordFleetFlows(p.flows.map((f) => f.lastStatus));
  setCurrentDetails(
    detailsMarkdown(`**Fleet of ${fleet.flows.length} flows**`, [
      `active: ${p.active}`,
      `failed: ${p.failed}`,
      `running: ${p.running}`,
      `waiting for a slot: ${p.waiting}`,
      `status reads: ${p.reads} (${p.readCalls.ListFlows} ListFlows, ${p.readCalls.DescribeFlow} DescribeFlow calls)`,
    ]),
  );
}

/**
 * Where the fleet itself carries this package's search attributes, the namespace declares them:
 * each bring-up then gets the fleet's attributes with its own flow name and region (and keeps
 * its status attribute up to date). Otherwise the bring-ups get none.
 */
function childSearchAttributes(): ((flow: FlowArnParts) => SearchAttributePair[]) | undefined {
  const parent = workflowInfo().typedSearchAttributes;
  const declared =
    parent.get(FlowNameSearchAttribute) !== undefined || parent.get(FlowRegionSearchAttribute) !== undefined;
  if (!declared) return undefined;
  const inherited = parent
    .getAll()
    .filter(
      (pair) => pair.key.name !== FlowNameSearchAttribute.name && pair.key.name !== FlowRegionSearchAttribute.name,
    );
  return (flow) => [
    ...inherited,
    { key: FlowNameSearchAttribute, value: flow.flowName },
    { key: FlowRegionSearchAttribute, value: flow.region },
  ];
}

/**
 * Longest failure message a flow's result keeps: 1000 results of the longest ARNs and messages stay
 * far below the 2 MiB a workflow result may hold (the bring-up's own failure keeps the whole message).
 */
export const MAX_FLEET_FAILURE_MESSAGE = 400;

/** A failed bring-up, as its failure type and (bounded) message, and the last status it recorded. */
function failedResult(flow: FlowArnParts, err: unknown, lastSeen: FlowStatus | undefined): FleetFlowResult {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const bounded = (message: string) =>
    message.length > MAX_FLEET_FAILURE_MESSAGE ? `${message.slice(0, MAX_FLEET_FAILURE_MESSAGE - 1)}…` : message;
  const failure =
    cause instanceof ApplicationFailure
      ? { type: cause.type || 'Error', message: bounded(cause.message) }
      : {
          type: (cause as Error | undefined)?.name ?? 'Error',
          message: bounded((cause as Error | undefined)?.message ?? String(err)),
        };
  const details =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { lastStatus?: FlowStatus } | undefined) : undefined;
  return { flowArn: flow.arn, outcome: 'FAILED', lastStatus: details?.lastStatus ?? lastSeen, failure };
}
