/**
 * The fleet's state and what it reports: the public input, result and progress types of
 * `bringFleetOnline`, the state its steps share, and the per-flow results built from it.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  defineQuery,
  setCurrentDetails,
  type CancellationScope,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Duration, SearchAttributePair } from '@temporalio/common';
import type { FlowArnParts } from '../common/arn';
import type { CheckedBringFleetOnlineInput } from '../common/bring-fleet-online-input';
import { detailsMarkdown } from '../common/details-markdown';
import type { FlowStatus } from '../common/flow-status';
import type { FlowStatusReadOperation } from '../common/flow-status-reads';
import type { bringFlowOnline } from './bring-flow-online';
import type { FleetEvents } from './fleet-events';
import { recordFleetFlows } from './metrics';

/** Input of `bringFleetOnline`. */
export interface BringFleetOnlineInput {
  /** ARNs of the flows to bring online: at least one, no duplicates, at most `MAX_FLEET_SIZE`. */
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
   * being issued the fleet reads only every `STARTS_PENDING_POLL_INTERVAL_MS` (10 s) per call a
   * read costs (60 s for 6 ListFlows pages), so that its reads do not eat the request budget the
   * starts need, and no later than when its remaining starts should be done at the pace its reads
   * have seen.
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

/** What `bringFleetOnline` returns: one result per flow, in input order. */
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
export interface FleetFlow {
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
export interface Fleet {
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
  /** The flows' EventBridge changes the bring-ups handed over (fleets begun before this existed have none). */
  events?: FleetEvents;
  /** How many flows the last read had seen started (or ended), and when: the pace of the starts. */
  startsSeen?: { atMs: number; started: number };
  /** When the fleet's starts should all be out, as its last timed read estimated (undefined: unknown, or no estimate yet). */
  startsDoneAtMs?: number;
  firstFailure?: FleetFlowResult;
  /** A bring-up settled since the watch loop last waited: a slot is free, or failFast must act. */
  settled: boolean;
  readonly bringUps: Promise<void>[];
}

/** A flow the fleet stopped, with the last status the fleet read. */
export function cancelledResult(entry: FleetFlow): FleetFlowResult {
  return { flowArn: entry.flow.arn, outcome: 'CANCELLED', lastStatus: entry.lastStatus };
}

/** The fleet's result: every flow's outcome, in input order (CANCELLED where none was reached). */
export function report(fleet: Fleet): BringFleetOnlineResult {
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

export function progress(fleet: Fleet): BringFleetOnlineProgress {
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
export function showProgress(fleet: Fleet): void {
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
 * Longest failure message a flow's result keeps: 1000 results of the longest ARNs and messages stay
 * far below the 2 MiB a workflow result may hold (the bring-up's own failure keeps the whole message).
 */
export const MAX_FLEET_FAILURE_MESSAGE = 400;

/** A failed bring-up, as its failure type and (bounded) message, and the last status it recorded. */
export function failedResult(flow: FlowArnParts, err: unknown, lastSeen: FlowStatus | undefined): FleetFlowResult {
  const { failure, lastStatus } = fleetFailure(err);
  return { flowArn: flow.arn, outcome: 'FAILED', lastStatus: lastStatus ?? lastSeen, failure };
}

/** `message`, cut at {@link MAX_FLEET_FAILURE_MESSAGE} characters. */
export function boundedFailureMessage(message: string): string {
  return message.length > MAX_FLEET_FAILURE_MESSAGE ? `${message.slice(0, MAX_FLEET_FAILURE_MESSAGE - 1)}…` : message;
}

/**
 * A flow's failure as a fleet reports it: its type and (bounded) message, and the last status its
 * details name, if any. `err` is a child workflow's failure or the workflow's own ApplicationFailure.
 */
export function fleetFailure(err: unknown): { failure: { type: string; message: string }; lastStatus?: FlowStatus } {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const failure =
    cause instanceof ApplicationFailure
      ? { type: cause.type || 'Error', message: boundedFailureMessage(cause.message) }
      : {
          type: (cause as Error | undefined)?.name ?? 'Error',
          message: boundedFailureMessage((cause as Error | undefined)?.message ?? String(err)),
        };
  const details =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { lastStatus?: FlowStatus } | undefined) : undefined;
  return { failure, lastStatus: details?.lastStatus };
}
