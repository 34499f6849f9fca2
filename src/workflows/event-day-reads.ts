/**
 * How an event day reads its flows' statuses: one `readFlowStatuses` activity per region (the
 * fleet's activity: ListFlows or DescribeFlow, whichever costs fewer calls, returning only the
 * flows whose status differs from the one the event day knows), for the fallback read of every
 * flow and for confirming the flows an unconfirmed signal named.
 */
import { isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import { cheaperRead, UNKNOWN_STATUS } from '../common/flow-status-reads';
import { flowOf, type EventDay } from './event-day-state';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';

/** What a read found: flow index → its new status. */
export type StatusChanges = Map<number, import('../common/flow-status').FlowStatus>;

/**
 * Reads the statuses of the flows at `indexes` (those MediaConnect still reports), in parallel per
 * region, and returns the changes. A region whose read fails is logged and skipped: the next read
 * tries again.
 */
export async function readStatuses(day: EventDay, indexes: readonly number[]): Promise<StatusChanges> {
  const byRegion = new Map<string, number[]>();
  for (const index of indexes) {
    if (day.state.flows[index].missing) continue;
    const { region } = flowOf(day, index);
    byRegion.set(region, [...(byRegion.get(region) ?? []), index]);
  }
  const changes: StatusChanges = new Map();
  const outcomes = await Promise.allSettled(
    [...byRegion].map(([region, group]) => readRegion(day, region, group, changes)),
  );
  if (byRegion.size > 0) day.state.reads += 1;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') continue;
    if (isCancellation(outcome.reason)) throw outcome.reason;
    log.warn('Reading the event’s flows failed; the next read tries again', { error: String(outcome.reason) });
  }
  return changes;
}

async function readRegion(day: EventDay, region: string, group: number[], changes: StatusChanges): Promise<void> {
  const { state } = day;
  const operation = cheaperRead(group.length, state.accountFlows[region]);
  const flows: Partial<Record<string, string[]>> = {};
  for (const index of group) {
    const flow = flowOf(day, index);
    (flows[state.flows[index].status ?? UNKNOWN_STATUS] ??= []).push(
      operation === 'ListFlows' ? flow.flowId : flow.arn,
    );
  }
  const { readFlowStatuses } = proxyActivities<MediaConnectActivities>({
    ...BUDGETED_ACTIVITY_OPTIONS,
    scheduleToCloseTimeout: Math.max(30_000, Math.min(day.input.watchIntervalMs, 300_000)),
    summary: `${operation}: ${group.length} flows in ${region}`,
  });
  const accountFlows = state.accountFlows[region];
  const result = await readFlowStatuses({
    region,
    operation,
    flows,
    ...(accountFlows !== undefined && { accountFlows }),
  });
  state.readCalls[operation] += result.calls;
  if (result.accountFlows !== undefined) state.accountFlows[region] = result.accountFlows;
  const byId = new Map(group.map((index) => [flowOf(day, index).flowId, index]));
  for (const [flowId, status] of Object.entries(result.changed)) {
    const index = byId.get(flowId);
    if (index !== undefined) changes.set(index, status);
  }
  for (const flowId of result.missing) {
    const index = byId.get(flowId);
    if (index === undefined) continue;
    state.flows[index].missing = true;
    log.warn('MediaConnect no longer reports this flow of the event; it is no longer read', {
      flowArn: day.flowArns[index],
    });
  }
}
