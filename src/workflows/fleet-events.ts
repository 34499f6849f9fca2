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
import { forwardStatuses, readStatuses, startsPending } from './fleet-reads';
import type { Fleet, FleetFlow } from './fleet-state';

/**
 * At most this many event reads per fleet (as many as it may have flows). Past it the fleet ignores
 * events and its timed reads carry on: its history stays bounded however often flows change.
 */
export const MAX_FLEET_EVENT_READS = 1000;

/**
 * While the fleet's starts are still going out, an event read follows the previous one no sooner
 * than this: the starts take the whole request budget then, and each read takes a start's token.
 * Reads go ahead of starts in the budget, so a read for every flow turning ACTIVE (flows turn
 * ACTIVE at the pace their starts went out) would take half the quota from the starts: measured,
 * a fleet of 1000 with events took about 390 s to close instead of about 230. One read a second
 * takes a fifth of the 5/s quota at most, and the changes that arrive meanwhile share it.
 */
export const EVENT_READ_GAP_WHILE_STARTING_MS = 1_000;

/** What a fleet that takes its flows' events keeps. */
export interface FleetEvents {
  /** Flows with a change handed over since the last read that covered them. */
  readonly pending: Set<FleetFlow>;
  /** Event reads made (also counted in the fleet's `reads`). */
  reads: number;
  /** No event read before then (Date.now()): set while starts go out (`EVENT_READ_GAP_WHILE_STARTING_MS`). */
  notBeforeMs: number;
  /** Whether event reads keep their gap while starts go out (a `patched()` change: earlier fleets replay without it). */
  readonly pacedWhileStarting: boolean;
}

/**
 * Makes the fleet take its flows' unconfirmed changes (from the forwarder, or handed over by a
 * bring-up): changes for flows not its own or already settled, and statuses that change nothing for
 * a bring-up (STARTING, UPDATING, the status it was last told) are dropped.
 */
export function takeEvents(fleet: Fleet, pacedWhileStarting: boolean): FleetEvents {
  const events: FleetEvents = { pending: new Set(), reads: 0, notBeforeMs: 0, pacedWhileStarting };
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
 * When the next event read is due: undefined while no change waits. The fleet reads changes at once,
 * one read at a time, with no pause between reads (the changes that come in while a read runs share
 * the next one), except while its starts go out (`EVENT_READ_GAP_WHILE_STARTING_MS`). (A pause of a
 * few tens of milliseconds would need a timer, and the server fires such a timer up to a second late
 * when it is busy, as it is when a wave of flows turns ACTIVE: measured, see the README.)
 */
export function eventReadAtMs(events: FleetEvents | undefined): number | undefined {
  if (events === undefined || events.pending.size === 0) return undefined;
  return events.notBeforeMs;
}

/**
 * Whether the fleet's starts are still going out: its timed reads have seen flows that have not
 * started yet, and estimated (from the pace of the starts) that they are not all out. Unknown until
 * two timed reads have measured a pace: a fleet whose starts are all out by then (a few dozen
 * flows) never holds its event reads back.
 */
function startsGoingOut(fleet: Fleet): boolean {
  return fleet.startsDoneAtMs !== undefined && Date.now() < fleet.startsDoneAtMs && startsPending(fleet);
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
  events.notBeforeMs =
    events.pacedWhileStarting && startsGoingOut(fleet) ? Date.now() + EVENT_READ_GAP_WHILE_STARTING_MS : 0;
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
