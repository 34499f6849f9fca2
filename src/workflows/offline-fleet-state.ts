/**
 * The state of `takeFleetOffline` and what it reports: its public input, result and progress
 * types, the state its steps share, and the per-flow results built from it.
 */
import { defineQuery, setCurrentDetails } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FlowArnParts } from '../common/arn';
import { detailsMarkdown } from '../common/details-markdown';
import type { FlowStatus } from '../common/flow-status';
import type { FlowStatusReadOperation } from '../common/flow-status-reads';
import type { FleetReads, ReadFlow } from './fleet-reads';

/** Input of `takeFleetOffline`. */
export interface TakeFleetOfflineInput {
  /** ARNs of the flows to take offline, in any regions: at least one, no duplicates, at most `MAX_FLEET_SIZE`. */
  flowArns: string[];
  /**
   * Time between two status reads of the flows still waiting (one `readFlowStatuses` activity
   * per region). A `flowStatusChanged` signal naming one of the fleet's flows brings the next
   * read forward (to a second after the last one, at the soonest).
   * @default '2s'
   */
  pollInterval?: Duration;
  /**
   * How long each flow may take to be STANDBY, from the fleet's start; a flow that is not STANDBY
   * by then fails with `FlowStopTimeout` (the others are unaffected).
   * @default '15m'
   */
  timeout?: Duration;
}

/** What happened to one flow of the fleet. */
export interface OfflineFlowResult {
  flowArn: string;
  /** STANDBY: offline. FAILED: see `failure`. CANCELLED: the fleet was cancelled first. */
  outcome: 'STANDBY' | 'FAILED' | 'CANCELLED';
  /** The last status the fleet read (or a StopFlow answered); undefined if never read. */
  lastStatus?: FlowStatus;
  /** When the fleet saw the flow STANDBY (ISO 8601). */
  standbyAt?: string;
  /** StopFlow activities the fleet ran for the flow: 0 when it was already STANDBY or STOPPING. */
  stops: number;
  /**
   * Why the flow failed: `FlowStopTimeout`, `FlowDeleted`, or the AWS error name MediaConnect
   * refused with (`NotFoundException` also for a flow MediaConnect does not report), and the
   * message, cut at `MAX_FLEET_FAILURE_MESSAGE` characters.
   */
  failure?: { type: string; message: string };
}

/** What `takeFleetOffline` returns: one result per flow, in input order. */
export interface TakeFleetOfflineResult {
  results: OfflineFlowResult[];
  standby: number;
  failed: number;
  cancelled: number;
  /** StopFlow activities run, over every flow. */
  stops: number;
  /** Status reads the fleet made (each one `readFlowStatuses` activity per region). */
  reads: number;
  /** MediaConnect calls those reads made, by operation. */
  readCalls: Record<FlowStatusReadOperation, number>;
}

/** Live progress, as the `offlineFleetProgress` query returns it. */
export interface TakeFleetOfflineProgress {
  /** Per flow, in input order: `WAITING` until the flow is STANDBY (or failed). */
  flows: Array<{ flowArn: string; outcome: OfflineFlowResult['outcome'] | 'WAITING'; lastStatus?: FlowStatus }>;
  standby: number;
  failed: number;
  waiting: number;
  stops: number;
  reads: number;
  readCalls: Record<FlowStatusReadOperation, number>;
}

/** Query: the progress of a `takeFleetOffline`. */
export const offlineFleetProgressQuery = defineQuery<TakeFleetOfflineProgress>('offlineFleetProgress');

/** One flow of the fleet, as the fleet tracks it. */
export interface OfflineFlow extends ReadFlow {
  readonly flow: FlowArnParts;
  result?: OfflineFlowResult;
  stops: number;
  /** A StopFlow activity is under way. */
  stopping: boolean;
  /** The last retryable failure of a StopFlow (it ran out of time: the next one is tried). */
  lastError?: string;
}

/** The fleet's state: what every step reads and changes. */
export interface OfflineFleet extends FleetReads {
  readonly flows: OfflineFlow[];
  readonly byArn: ReadonlyMap<string, OfflineFlow>;
  readonly startedAtMs: number;
  readonly deadlineMs: number;
  readonly pollIntervalMs: number;
  /** When the next read is due (epoch ms); a signal brings it forward. */
  nextReadAtMs: number;
  lastReadAtMs: number;
  /** A StopFlow settled or a signal arrived since the loop last waited. */
  woken: boolean;
  readonly stops: Promise<void>[];
}

/** A flow the fleet stopped waiting for, with the last status it read. */
export function cancelledResult(entry: OfflineFlow): OfflineFlowResult {
  return { flowArn: entry.flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus, stops: entry.stops };
}

/** The fleet's result: every flow's outcome, in input order (CANCELLED where none was reached). */
export function report(fleet: OfflineFleet): TakeFleetOfflineResult {
  const results = fleet.flows.map((entry) => entry.result ?? cancelledResult(entry));
  const { standby, failed, stops, reads, readCalls } = progress(fleet);
  return { results, standby, failed, cancelled: results.length - standby - failed, stops, reads, readCalls };
}

export function progress(fleet: OfflineFleet): TakeFleetOfflineProgress {
  const flows = fleet.flows.map((entry) => ({
    flowArn: entry.flow.arn,
    outcome: entry.result?.outcome ?? ('WAITING' as const),
    lastStatus: entry.result?.lastStatus ?? entry.lastStatus,
  }));
  const count = (outcome: string) => flows.filter((f) => f.outcome === outcome).length;
  return {
    flows,
    standby: count('STANDBY'),
    failed: count('FAILED'),
    waiting: count('WAITING'),
    stops: fleet.flows.reduce((sum, entry) => sum + entry.stops, 0),
    reads: fleet.reads,
    readCalls: { ...fleet.readCalls },
  };
}

/** Keeps the Web UI's "current details" in step with the fleet. */
export function showProgress(fleet: OfflineFleet): void {
  const p = progress(fleet);
  setCurrentDetails(
    detailsMarkdown(`**Taking ${fleet.flows.length} flows offline**`, [
      `standby: ${p.standby}`,
      `failed: ${p.failed}`,
      `waiting: ${p.waiting}`,
      `StopFlow calls: ${p.stops}`,
      `status reads: ${p.reads} (${p.readCalls.ListFlows} ListFlows, ${p.readCalls.DescribeFlow} DescribeFlow calls)`,
    ]),
  );
}
