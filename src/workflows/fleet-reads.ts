/**
 * The fleet's status reads: which flows a read asks about, how often the fleet reads while starts
 * are still being issued, one `readFlowStatuses` activity per region, and the status changes it
 * forwards to the bring-ups.
 */
import { isCancellation, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import type { FlowArnParts } from '../common/arn';
import { STARTS_PENDING_POLL_INTERVAL_MS } from '../common/bring-fleet-online-input';
import { BRING_UP_DECISIVE_STATUSES, FlowStatus, isStartedStatus } from '../common/flow-status';
import { cheaperRead, readCost, UNKNOWN_STATUS, type FlowStatusReadOperation } from '../common/flow-status-reads';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';
import { flowStatusChangedSignal } from './bring-flow-online';
import { showProgress, type Fleet, type FleetFlow } from './fleet-state';

/** A read that takes longer than this waited for its turn in the request budget: the starts are still using it. */
export const BUSY_READ_MS = 5_000;
/** Temporal's default priority key, for a fleet started without one (keys go from 1, first, to 5). */
const DEFAULT_PRIORITY_KEY = 3;

/**
 * The task queue priority of the fleet's reads: one step ahead of the fleet's own (and so of its
 * bring-ups', which inherit it). A fleet schedules its StartFlow activities all at once, far more
 * than a worker runs at a time (100 by default), so they wait in the task queue; a read scheduled
 * at the fleet's own priority would wait behind every one of them (144 s in the big-account
 * benchmark), and the bring-ups would fall back to their own checks meanwhile. At a higher
 * priority it goes to the next free activity slot, then waits for its tokens in the request
 * budget like any call.
 */
export function readPriorityKey(): number {
  return Math.max(1, (workflowInfo().priority?.priorityKey || DEFAULT_PRIORITY_KEY) - 1);
}

/**
 * Time between reads while StartFlows are still being issued and the budget is busy: {@link STARTS_PENDING_POLL_INTERVAL_MS}
 * (10 s) per call a read costs, so that the reads take no more than one call in 10 s from the
 * budget the starts need (a read of 6 ListFlows pages every 60 s). Still often enough that a bring-up
 * hears of its flow's ACTIVE before its own fallback timer (`childPollInterval`, 2 min) fires.
 */
export function startsPendingReadIntervalMs(fleet: Fleet): number {
  return writesPendingReadIntervalMs(fleet, stillWaiting(fleet), fleet.options.startsPendingPollMs);
}

/**
 * Time between reads of `entries` while the reader's writes (StartFlows, StopFlows) are still being
 * issued: {@link STARTS_PENDING_POLL_INTERVAL_MS} per call such a read costs, at least `minimumMs`.
 */
export function writesPendingReadIntervalMs(
  reads: FleetReads,
  entries: readonly ReadFlow[],
  minimumMs: number,
): number {
  const byRegion = new Map<string, number>();
  for (const entry of entries) byRegion.set(entry.flow.region, (byRegion.get(entry.flow.region) ?? 0) + 1);
  const calls = [...byRegion].reduce(
    (sum, [region, waiting]) => sum + readCost(waiting, reads.accountFlows.get(region)),
    0,
  );
  return Math.max(minimumMs, calls * STARTS_PENDING_POLL_INTERVAL_MS);
}

/**
 * After a read: when the flows still waiting for their StartFlow should all have started, at the
 * pace the reads have seen flows start since the previous read; undefined while no pace is known.
 * The fleet reads then at the latest, so that its last long pause while the starts go out does
 * not outlast them: otherwise a read scheduled just before the last starts would hold the whole
 * fleet's news back for up to a minute more.
 */
export function startsDoneEstimateMs(fleet: Fleet): number | undefined {
  const now = Date.now();
  const started = fleet.flows.filter((entry) => entry.result || entry.startSeen).length;
  const previous = fleet.startsSeen;
  fleet.startsSeen = { atMs: now, started };
  if (!previous || started <= previous.started) return undefined;
  const msPerStart = (now - previous.atMs) / (started - previous.started);
  return now + (fleet.flows.length - started) * msPerStart;
}

/** Whether any flow still waits for its StartFlow (no result, and no read has seen it started). */
export function startsPending(fleet: Fleet): boolean {
  return fleet.flows.some((entry) => !entry.result && !entry.startSeen);
}

/** Flows whose result is still open and that MediaConnect reports: what a read asks about. */
export function stillWaiting(fleet: Fleet): FleetFlow[] {
  return fleet.flows.filter((entry) => !entry.result && !entry.unlisted);
}

/** One read and the signals it calls for; a failed read is logged and the next one tried. */
export async function readAndForward(fleet: Fleet): Promise<void> {
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
export async function readStatuses(fleet: Fleet, entries: FleetFlow[]): Promise<void> {
  try {
    await readFleetStatuses(fleet, entries);
  } finally {
    for (const entry of entries) if (isStartedStatus(entry.lastStatus)) entry.startSeen = true;
    showProgress(fleet);
  }
}

/** What a workflow that watches many flows keeps of its reads. */
export interface FleetReads {
  /** Per region: how many flows the account holds there, as the region's last ListFlows counted them. */
  readonly accountFlows: Map<string, number>;
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
}

/** One flow a read asks about: its last status, updated by the read; `unlisted` once MediaConnect does not report it. */
export interface ReadFlow {
  readonly flow: FlowArnParts;
  lastStatus?: FlowStatus;
  unlisted: boolean;
}

/**
 * Reads the statuses of `entries`, one `readFlowStatuses` activity per region (in parallel), each
 * the cheaper of ListFlows and DescribeFlow for that region, and records each change in its entry.
 * Every region's read ends before this returns, even when another region's fails; then the first
 * failure is thrown.
 */
export async function readFleetStatuses(reads: FleetReads, entries: ReadFlow[]): Promise<void> {
  const byRegion = new Map<string, ReadFlow[]>();
  for (const entry of entries) {
    const group = byRegion.get(entry.flow.region);
    if (group) group.push(entry);
    else byRegion.set(entry.flow.region, [entry]);
  }
  const outcomes = await Promise.allSettled([...byRegion].map(([region, group]) => readRegion(reads, region, group)));
  reads.reads += byRegion.size > 0 ? 1 : 0;
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

async function readRegion(reads: FleetReads, region: string, group: ReadFlow[]): Promise<void> {
  const operation = cheaperRead(group.length, reads.accountFlows.get(region));
  // Grouped by the status already known, so that only changes come back; flow ids are the compact form ListFlows needs.
  const flows: Partial<Record<string, string[]>> = {};
  for (const { flow, lastStatus } of group)
    (flows[lastStatus ?? UNKNOWN_STATUS] ??= []).push(operation === 'ListFlows' ? flow.flowId : flow.arn);
  const { readFlowStatuses } = proxyActivities<MediaConnectActivities>({
    ...BUDGETED_ACTIVITY_OPTIONS,
    // A read waits its turn in the request budget, behind the StartFlows already reserved.
    scheduleToCloseTimeout: '10m',
    priority: { priorityKey: readPriorityKey() },
    summary: `${operation}: ${group.length} flows in ${region}`,
  });
  const accountFlows = reads.accountFlows.get(region);
  const result = await readFlowStatuses({
    region,
    operation,
    flows,
    ...(accountFlows !== undefined && { accountFlows }),
  });
  reads.readCalls[operation] += result.calls;
  if (result.accountFlows !== undefined) reads.accountFlows.set(region, result.accountFlows);
  const byId = new Map(group.map((entry) => [entry.flow.flowId, entry]));
  for (const [flowId, status] of Object.entries(result.changed)) {
    const entry = byId.get(flowId);
    if (entry) entry.lastStatus = status;
  }
  for (const flowId of result.missing) {
    const entry = byId.get(flowId);
    if (!entry) continue;
    entry.unlisted = true;
    log.warn('MediaConnect does not report this flow: no more reads ask about it', {
      flowArn: entry.flow.arn,
      operation,
    });
  }
}

/** Sends each running bring-up the statuses it decides on that it has not been told yet. */
export function forwardStatuses(fleet: Fleet): void {
  for (const entry of fleet.flows) {
    const { child, lastStatus: status } = entry;
    if (entry.result || child === undefined || status === undefined || status === entry.childKnows) continue;
    entry.childKnows = status;
    // STANDBY/STOPPING before anyone saw a start is the flow waiting for its StartFlow, not a stop.
    const meaningful =
      BRING_UP_DECISIVE_STATUSES.has(status) &&
      (entry.startSeen || (status !== FlowStatus.STANDBY && status !== FlowStatus.STOPPING));
    // Not awaited: the next read need not wait until hundreds of signals are delivered. A bring-up
    // that has just finished can no longer be signalled: its result says it all.
    if (meaningful)
      void child.signal(flowStatusChangedSignal, { currentStatus: status, confirmed: true }).catch(() => undefined);
  }
}
