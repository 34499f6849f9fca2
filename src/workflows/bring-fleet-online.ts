import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  defineQuery,
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
} from '../common/bring-fleet-online-input';
import { detailsMarkdown } from '../common/details-markdown';
import { FailureType } from '../common/failure-types';
import { FlowStatus, isStartedStatus } from '../common/flow-status';
import { FlowNameSearchAttribute, FlowRegionSearchAttribute } from '../common/search-attributes';
import { bringFlowOnline, flowStatusChangedSignal, type BringFlowOnlineInput } from './bring-flow-online';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';

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
   * Time between two ListFlows reads once every StartFlow has been issued. While starts are still
   * being issued the fleet reads only every {@link STARTS_PENDING_POLL_INTERVAL_MS} (10 s), so that its
   * reads do not eat the request budget the starts need.
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
  /** The last status seen for the flow (by its bring-up, or the fleet's last ListFlows read); undefined if never read. */
  lastStatus?: FlowStatus;
  /** When the flow's bring-up saw it ACTIVE (ISO 8601). */
  activeAt?: string;
  /** Why the flow failed: the bring-up's failure `type` (`FlowError`, `FlowStartTimeout`, an AWS error name, ...) and message. */
  failure?: { type: string; message: string };
}

/** What {@link bringFleetOnline} returns: one result per flow, in input order. */
export interface BringFleetOnlineResult {
  results: FleetFlowResult[];
  active: number;
  failed: number;
  cancelled: number;
  /** ListFlows reads the fleet made (one activity each). */
  listReads: number;
}

/** Live progress, as the `fleetProgress` query returns it. */
export interface BringFleetOnlineProgress {
  /** Per flow, in input order: `RUNNING` while its bring-up runs, `WAITING` while it waits for a slot. */
  flows: Array<{ flowArn: string; outcome: FleetFlowResult['outcome'] | 'RUNNING' | 'WAITING'; lastStatus?: FlowStatus }>;
  active: number;
  failed: number;
  running: number;
  waiting: number;
  listReads: number;
}

/** Query: the fleet's progress so far. */
export const fleetProgressQuery = defineQuery<BringFleetOnlineProgress>('fleetProgress');

interface FleetFlow {
  flow: FlowArnParts;
  result?: FleetFlowResult;
  /** Last status the fleet read or forwarded. */
  lastStatus?: FlowStatus;
  /** A status that proves the flow was started (STARTING, ACTIVE, UPDATING) was seen. */
  startSeen: boolean;
  /** The status its bring-up is known to have: its knownStatus, then each status read since it started. */
  childKnows?: FlowStatus;
  scope?: CancellationScope;
  child?: ChildWorkflowHandle<typeof bringFlowOnline>;
}

/** Statuses worth forwarding to a bring-up: the ones it decides on. STARTING and UPDATING change nothing for it. */
const FORWARDED: ReadonlySet<FlowStatus> = new Set([FlowStatus.ACTIVE, FlowStatus.ERROR, FlowStatus.STANDBY, FlowStatus.STOPPING, FlowStatus.DELETING]);

/**
 * Brings a fleet of MediaConnect flows online within the account's request budget.
 *
 * Each flow gets its own child `bringFlowOnline` (workflow id `<fleet id>/<name>-<flow id>`), at
 * most `maxConcurrent` at a time. The fleet watches every flow with one ListFlows read per
 * `pollInterval` (up to 1000 flows per call, where DescribeFlow costs a call per flow) and
 * forwards each status change to the flow's bring-up as a confirmed `flowStatusChanged` signal,
 * so a STARTING flow costs no call of its own; only a flow in ERROR costs a DescribeFlow, for
 * its error messages. Every call spends the account-wide request budget (the
 * `mediaConnectRequestBudget` workflow the worker's activities ask), shared by every workflow
 * and worker that names it.
 *
 * Returns one result per flow (ACTIVE, FAILED with the failure's type and message, or
 * CANCELLED) and never fails because a flow failed, unless `failFast` is set. Cancelling the
 * fleet cancels the bring-ups still running and returns the report, with the last status read
 * for each flow.
 *
 * The fleet stays in a single run: continuing as new would cut it off from its children's
 * results (they stay attached to the run that started them). Its history is bounded instead:
 * at most {@link MAX_FLEET_SIZE} flows and {@link MAX_FLEET_POLLS} reads (about 11 events per
 * read and 10 per flow: under 35,000 events at both limits, against Temporal's 51,200).
 *
 * Fails, non-retryably and before any call, with `InvalidFlowArn` or `InvalidInput`; with
 * `FleetFailed` when `failFast` is set and a flow failed.
 */
export async function bringFleetOnline(input: BringFleetOnlineInput): Promise<BringFleetOnlineResult> {
  const options = checkBringFleetOnlineInput(input);
  const fleet: FleetFlow[] = options.flows.map((flow) => ({ flow, startSeen: false }));
  const startedAtMs = Date.now();
  const fleetId = workflowInfo().workflowId;
  let listReads = 0;

  const report = (): BringFleetOnlineResult => {
    const results = fleet.map((entry) => entry.result ?? { flowArn: entry.flow.arn, outcome: 'CANCELLED' as const, lastStatus: entry.lastStatus });
    const count = (outcome: FleetFlowResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
    return { results, active: count('ACTIVE'), failed: count('FAILED'), cancelled: count('CANCELLED'), listReads };
  };
  const progress = (): BringFleetOnlineProgress => {
    const flows = fleet.map((e) => ({ flowArn: e.flow.arn, outcome: e.result?.outcome ?? (e.scope ? ('RUNNING' as const) : ('WAITING' as const)), lastStatus: e.result?.lastStatus ?? e.lastStatus }));
    const count = (outcome: string) => flows.filter((f) => f.outcome === outcome).length;
    return { flows, active: count('ACTIVE'), failed: count('FAILED'), running: count('RUNNING'), waiting: count('WAITING'), listReads };
  };
  setHandler(fleetProgressQuery, progress);

  // A read waits its turn in the request budget, behind the StartFlows already reserved:
  // its timeouts leave room for that.
  const listFlows = () =>
    proxyActivities<MediaConnectActivities>({
      ...BUDGETED_ACTIVITY_OPTIONS,
      scheduleToCloseTimeout: '10m',
      summary: `ListFlows for ${fleet.length} flows`,
    }).listFlowStatuses({});

  /** Reads every status, remembers it, and forwards changes to the bring-ups still waiting. */
  const read = async (): Promise<void> => {
    const { statuses } = await listFlows();
    listReads += 1;
    const signals: Promise<void>[] = [];
    for (const entry of fleet) {
      const status = statuses[entry.flow.arn];
      if (status === undefined || entry.result) continue;
      entry.lastStatus = status;
      if (isStartedStatus(status)) entry.startSeen = true;
      const child = entry.child;
      if (child === undefined || status === entry.childKnows) continue;
      entry.childKnows = status;
      // STANDBY/STOPPING before anyone saw a start is the flow waiting for its StartFlow, not a stop.
      const meaningful = FORWARDED.has(status) && (entry.startSeen || (status !== FlowStatus.STANDBY && status !== FlowStatus.STOPPING));
      if (meaningful) {
        // A bring-up that has just finished can no longer be signalled: its result says it all.
        signals.push(child.signal(flowStatusChangedSignal, { currentStatus: status, confirmed: true }).catch(() => undefined));
      }
    }
    await Promise.all(signals);
    showProgress();
  };

  const showProgress = () => {
    const p = progress();
    setCurrentDetails(
      detailsMarkdown(`**Fleet of ${fleet.length} flows**`, [`active: ${p.active}`, `failed: ${p.failed}`, `running: ${p.running}`, `waiting for a slot: ${p.waiting}`, `ListFlows reads: ${listReads}`]),
    );
  };

  const searchAttributes = childSearchAttributes();
  let firstFailure: FleetFlowResult | undefined;
  let settledSinceWait = false;
  const bringUps: Promise<void>[] = [];

  const launch = (entry: FleetFlow) => {
    const { flow } = entry;
    const remainingMs = Math.max(1_000, startedAtMs + options.timeoutMs - Date.now());
    const known = entry.lastStatus;
    const childInput: BringFlowOnlineInput = {
      flowArn: flow.arn,
      timeout: remainingMs,
      // Watched by the fleet's ListFlows: the child's own timer is only a fallback. A flow that
      // ListFlows does not show (another region or account) is left to the child's own polling.
      ...(known !== undefined && { knownStatus: known, pollInterval: options.childPollIntervalMs }),
    };
    entry.childKnows = known;
    entry.scope = new CancellationScope();
    const bringUp = entry.scope
      .run(async () => {
        entry.child = await startChild(bringFlowOnline, {
          workflowId: `${fleetId}/${flow.flowName}-${flow.flowId}`,
          args: [childInput],
          staticSummary: `Bring ${flow.flowName} online`,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          ...(searchAttributes && { typedSearchAttributes: searchAttributes(flow) }),
        });
        return entry.child.result();
      })
      .then(
        (result) => {
          entry.result = { flowArn: flow.arn, outcome: 'ACTIVE', lastStatus: FlowStatus.ACTIVE, activeAt: result.activeAt };
        },
        (err: unknown) => {
          entry.result = isCancellation(err) ? { flowArn: flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus } : failedResult(flow, err, entry.lastStatus);
          if (entry.result.outcome === 'FAILED') {
            log.warn('Flow failed', { flowArn: flow.arn, failure: entry.result.failure });
            firstFailure ??= entry.result;
          }
        },
      )
      .finally(() => {
        settledSinceWait = true;
        showProgress();
      });
    bringUps.push(bringUp);
  };

  const waiting = () => fleet.filter((e) => !e.scope);
  const running = () => fleet.filter((e) => e.scope && !e.result);

  try {
    // The snapshot every bring-up starts from (no DescribeFlow of its own). If MediaConnect
    // cannot be read for 10 minutes the fleet fails here, before it has started anything.
    await read();
    let nextReadAtMs = Date.now() + options.startsPendingPollMs;
    for (;;) {
      if (options.failFast && firstFailure) {
        for (const entry of running()) entry.scope?.cancel();
        for (const entry of waiting()) entry.result = { flowArn: entry.flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus };
        await Promise.all(bringUps);
        const result = report();
        throw ApplicationFailure.create({
          type: FailureType.FleetFailed,
          message: `Flow ${parseFlowArn(firstFailure.flowArn).flowName} failed (${firstFailure.failure?.type}: ${firstFailure.failure?.message}); the ${result.cancelled} flows not yet ACTIVE were cancelled (failFast)`,
          nonRetryable: true,
          details: [result],
        });
      }
      for (const entry of waiting().slice(0, Math.max(0, options.maxConcurrent - running().length))) launch(entry);
      if (running().length === 0 && waiting().length === 0) break;
      const startsPending = fleet.some((e) => !e.result && !e.startSeen);
      if (Date.now() >= nextReadAtMs) {
        try {
          await read();
        } catch (err) {
          // The bring-ups' own timers carry on meanwhile; the next read may fare better.
          if (isCancellation(err)) throw err;
          log.warn('ListFlows failed; the bring-ups poll on their own until the next read', { error: String(err) });
        }
        nextReadAtMs = Date.now() + (startsPending ? options.startsPendingPollMs : options.pollIntervalMs);
        if (listReads > MAX_FLEET_POLLS + 100) {
          // Unreachable while the children keep their deadlines; kept as the history's last guard.
          throw ApplicationFailure.create({ type: 'FleetPollLimit', message: `The fleet made ${MAX_FLEET_POLLS} ListFlows reads and stopped`, nonRetryable: true, details: [report()] });
        }
        continue;
      }
      settledSinceWait = false;
      // A settled bring-up frees a slot (or fails a failFast fleet) at once; reads keep their pace.
      await condition(() => settledSinceWait, Math.max(1, nextReadAtMs - Date.now()));
    }
    return report();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The fleet was cancelled: its bring-ups are being cancelled with it. Wait for them, read
    // where each flow was left, and report instead of failing.
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(bringUps);
      for (const entry of waiting()) entry.result = { flowArn: entry.flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus };
      try {
        const { statuses } = await listFlows();
        listReads += 1;
        for (const entry of fleet) {
          const status = statuses[entry.flow.arn];
          if (status !== undefined && entry.result?.outcome === 'CANCELLED') entry.result.lastStatus = status;
        }
      } catch (readErr) {
        log.warn('Could not read the flows’ last statuses after the cancellation', { error: String(readErr) });
      }
    });
    log.info('Fleet cancelled', { ...report(), results: undefined });
    return report();
  }
}

/**
 * Where the fleet itself carries this package's search attributes, the namespace declares them:
 * each bring-up then gets the fleet's attributes with its own flow name and region (and keeps
 * its status attribute up to date). Otherwise the bring-ups get none.
 */
function childSearchAttributes(): ((flow: FlowArnParts) => SearchAttributePair[]) | undefined {
  const parent = workflowInfo().typedSearchAttributes;
  const declared = parent.get(FlowNameSearchAttribute) !== undefined || parent.get(FlowRegionSearchAttribute) !== undefined;
  if (!declared) return undefined;
  const inherited = parent.getAll().filter((pair) => pair.key.name !== FlowNameSearchAttribute.name && pair.key.name !== FlowRegionSearchAttribute.name);
  return (flow) => [...inherited, { key: FlowNameSearchAttribute, value: flow.flowName }, { key: FlowRegionSearchAttribute, value: flow.region }];
}

/** A failed bring-up, as its failure type and message, and the last status it recorded. */
function failedResult(flow: FlowArnParts, err: unknown, lastSeen: FlowStatus | undefined): FleetFlowResult {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const failure =
    cause instanceof ApplicationFailure
      ? { type: cause.type || 'Error', message: cause.message }
      : { type: (cause as Error | undefined)?.name ?? 'Error', message: (cause as Error | undefined)?.message ?? String(err) };
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { lastStatus?: FlowStatus } | undefined) : undefined;
  return { flowArn: flow.arn, outcome: 'FAILED', lastStatus: details?.lastStatus ?? lastSeen, failure };
}
