/**
 * The flow clock: how a simulated flow's status moves on by itself. STARTING ends after its
 * duration (or after a number of DescribeFlow calls), STOPPING turns into STANDBY, DELETING into
 * nothing. Statuses are brought up to date lazily, when someone looks at a flow.
 */
import { FlowStatus } from '../common/flow-status';
import type { AlreadyStartedAnswer } from './types';

/** One simulated flow, as the simulator keeps it. */
export interface FlowRecord {
  arn: string;
  name: string;
  region: string;
  /** Creation order, used as the ListFlows paging key. */
  seq: number;
  status: FlowStatus;
  /** When `status` was entered (ms epoch): the clock of STARTING, STOPPING and DELETING. */
  since: number;
  startingDuration: number;
  /** When set, STARTING ends after this many DescribeFlow calls instead of `startingDuration`. */
  startingDescribes?: number;
  /** DescribeFlow calls seen since STARTING was entered. */
  describesWhileStarting: number;
  stoppingDuration: number;
  outcome: 'ACTIVE' | 'ERROR';
  errorMessages: string[];
  /** Undefined: the simulator's default. */
  alreadyStartedAnswer?: AlreadyStartedAnswer;
}

/** Puts a flow into `status` now, restarting its clock. */
export function enter(flow: FlowRecord, status: FlowStatus, now = Date.now()): void {
  flow.status = status;
  flow.since = now;
  flow.describesWhileStarting = 0;
}

/**
 * Brings a flow's status up to `now`. Returns false when the flow's deletion has completed and
 * it no longer exists.
 */
export function settle(flow: FlowRecord, deletingDuration: number, now = Date.now()): boolean {
  if (flow.status === FlowStatus.STARTING && flow.startingDescribes !== undefined) {
    if (flow.describesWhileStarting > flow.startingDescribes) {
      flow.status = flow.outcome;
      flow.since = now;
    }
  } else if (flow.status === FlowStatus.STARTING && now >= flow.since + flow.startingDuration) {
    // The outcome happened at the end of STARTING, not when someone looked.
    flow.since += flow.startingDuration;
    flow.status = flow.outcome;
  } else if (flow.status === FlowStatus.STOPPING && now >= flow.since + flow.stoppingDuration) {
    flow.since += flow.stoppingDuration;
    flow.status = FlowStatus.STANDBY;
  } else if (flow.status === FlowStatus.DELETING && now >= flow.since + deletingDuration) {
    return false;
  }
  return true;
}
