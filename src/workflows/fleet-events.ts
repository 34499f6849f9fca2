/**
 * A fleet takes its flows' EventBridge events: each bring-up hands an unconfirmed
 * `flowStatusChanged` to its fleet instead of reading the status itself; the fleet gathers the
 * changes that arrive close together and confirms them with one read of just those flows (ListFlows
 * pages or DescribeFlows, whichever costs fewer calls), then forwards each change it read to the
 * bring-up as a confirmed signal, as its timed reads do.
 */
import { isCancellation, log, setHandler } from '@temporalio/workflow';
import { flowStatusChangedSignal, type FlowStatusChange } from './bring-flow-online';
import { BRING_UP_DECISIVE_STATUSES, type FlowStatus } from '../common/flow-status';
import { forwardStatuses, readStatuses } from './fleet-reads';
import type { Fleet, FleetFlow } from './fleet-state';

/**
 * At most this many event reads per fleet (as many as it may have flows). Past it the fleet ignores
 * events and its timed reads carry on: its history stays bounded however often flows change.
 */
export const MAX_FLEET_EVENT_READS = 1000;

/** What a fleet that takes its flows' events keeps. */
export interface FleetEvents {
  /** Flows with a change handed over since the last read that covered them. */
  readonly pending: Set<FleetFlow>;
  /** Event reads made (also counted in the fleet's `reads`). */
  reads: number;
}

/**
 * Makes the fleet take its flows' unconfirmed changes (from the forwarder, or handed over by a
 * bring-up): changes for flows not its own or already settled, and statuses that change nothing for
 * a bring-up (STARTING, UPDATING, the status it was last told) are dropped.
 */
export function takeEvents(fleet: Fleet): FleetEvents {
  const events: FleetEvents = { pending: new Set(), reads: 0 };
  const byArn = new Map(fleet.flows.map((entry) => [entry.flow.arn, entry]));
  setHandler(flowStatusChangedSignal, (change: FlowStatusChange = {}) => {
    const entry = change.flowArn === undefined ? undefined : byArn.get(change.flowArn);
    if (entry === undefined || entry.result || entry.unlisted || events.reads >= MAX_FLEET_EVENT_READS) return;
    // Only a status a bring-up decides on (not STARTING), and not one it was told since its start, is worth a read.
    const status = change.currentStatus;
    if (status !== undefined && !BRING_UP_DECISIVE_STATUSES.has(status as FlowStatus)) return;
    if (status !== undefined && status === entry.childKnows && entry.startSeen) return;
    events.pending.add(entry);
  });
  return events;
}

/**
 * Whether changes wait for an event read. The fleet reads them at once, one read at a time, with
 * no pause between reads: the changes that come in while a read runs share the next one. (A pause
 * would need a timer, and the server fires a timer of a few tens of milliseconds up to a second
 * late when it is busy, as it is when a wave of flows turns ACTIVE: measured, see the README.)
 */
export function eventReadDue(events: FleetEvents | undefined): events is FleetEvents {
  return events !== undefined && events.pending.size > 0;
}

/** The flows a timed read of `entries` is about to cover no longer wait for an event read. */
export function coveredByRead(events: FleetEvents | undefined, entries: FleetFlow[]): void {
  if (events) for (const entry of entries) events.pending.delete(entry);
}

/**
 * Reads the flows whose changes were handed over (only those: the read's input and result grow
 * with the changes, not with the fleet) and forwards what it read. A failed read is logged: the
 * bring-ups' fallback timers and the fleet's timed reads carry on.
 */
export async function readSignalled(fleet: Fleet, events: FleetEvents): Promise<void> {
  const entries = [...events.pending].filter((entry) => !entry.result && !entry.unlisted);
  events.pending.clear();
  if (entries.length === 0) return;
  events.reads += 1;
  try {
    await readStatuses(fleet, entries);
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('Confirming the flows’ status changes failed; the next timed read covers them', {
      error: String(err),
      flows: entries.length,
    });
    return;
  }
  forwardStatuses(fleet);
}
