/**
 * How an event day reads its flows' statuses: the fleets' reads (`readFleetStatuses`: one
 * `readFlowStatuses` activity per region, ListFlows or DescribeFlow, whichever costs fewer calls,
 * returning only the flows whose status differs from the one the event day knows), for the
 * fallback read of every flow and for confirming the flows an unconfirmed signal named.
 */
import { isCancellation, log } from '@temporalio/workflow';
import type { FlowStatus } from '../common/flow-status';
import { readFleetStatuses, type FleetReads, type ReadFlow } from './fleet-reads';
import { flowOf, type EventDay } from './event-day-state';

/** What a read found: flow index → its new status. */
export type StatusChanges = Map<number, FlowStatus>;

/**
 * Reads the statuses of the flows at `indexes` (those MediaConnect still reports) and returns the
 * changes. A failed read is logged and the next one tried: the watch goes on.
 */
export async function readStatuses(day: EventDay, indexes: readonly number[]): Promise<StatusChanges> {
  const { state } = day;
  const entries = new Map<number, ReadFlow>();
  for (const index of indexes) {
    const record = state.flows[index];
    if (!record.missing) entries.set(index, { flow: flowOf(day, index), lastStatus: record.status, unlisted: false });
  }
  // The carried state keeps plain objects (continue-as-new serialises it); the reads keep a Map.
  const reads: FleetReads = {
    accountFlows: new Map(Object.entries(state.accountFlows)),
    reads: state.reads,
    readCalls: state.readCalls,
  };
  try {
    await readFleetStatuses(reads, [...entries.values()]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('Reading the event’s flows failed; the next read tries again', { error: String(err) });
  } finally {
    state.reads = reads.reads;
    state.accountFlows = Object.fromEntries(reads.accountFlows);
  }
  const changes: StatusChanges = new Map();
  for (const [index, entry] of entries) {
    if (entry.unlisted) state.flows[index].missing = true;
    else if (entry.lastStatus !== undefined && entry.lastStatus !== state.flows[index].status)
      changes.set(index, entry.lastStatus);
  }
  return changes;
}
