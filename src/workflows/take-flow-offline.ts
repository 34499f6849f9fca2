import { continueAsNew, defineQuery, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FlowArnParts } from '../common/arn';
import { checkBringFlowOnlineInput } from '../common/bring-flow-online-input';
import { FailureType } from '../common/failure-types';
import { FlowStatus } from '../common/flow-status';
import { failIfPermanent } from './activity-failures';
import { firstWatchProgress, FlowWatch, nextRun, type FlowWatchProgress } from './flow-watch';

/** Input of {@link takeFlowOffline}. Defaults and bounds are `bringFlowOnline`'s. */
export interface TakeFlowOfflineInput {
  /** ARN of the MediaConnect flow to take offline. */
  flowArn: string;
  /**
   * Time between two status checks (DescribeFlow) while the flow is STOPPING (or STARTING or
   * UPDATING, before it can be stopped). A `flowStatusChanged` signal cuts a wait short.
   * @default '2s'
   */
  pollInterval?: Duration;
  /**
   * How long the flow may take to be STANDBY, from the workflow's start, before the workflow
   * fails with `FlowStopTimeout`. Continue-as-new does not reset it.
   * @default '10m'
   */
  timeout?: Duration;
  /**
   * Status checks per workflow run before continuing as new, which keeps history bounded.
   * @default 500
   */
  pollsPerRun?: number;
  /**
   * The flow's status as the caller just read it (for example from ListFlows), which saves the
   * first DescribeFlow.
   * @default undefined (the workflow checks the status itself)
   */
  knownStatus?: FlowStatus;
  /** Progress carried across continue-as-new. Not for callers. @internal */
  carried?: TakeFlowOfflineProgress;
}

/** What {@link takeFlowOffline} returns once the flow is STANDBY. */
export interface TakeFlowOfflineResult {
  flowArn: string;
  status: 'STANDBY';
  /** DescribeFlow calls made, over every run. */
  polls: number;
  /** When the workflow began (ISO 8601). */
  startedAt: string;
  /** When the workflow saw the flow STANDBY (ISO 8601). */
  standbyAt: string;
  /** False when the flow was already STANDBY or STOPPING when the workflow looked, so it sent no StopFlow. */
  stoppedByWorkflow: boolean;
}

/** Live progress, as the `offlineProgress` query returns it and continue-as-new carries it. */
export interface TakeFlowOfflineProgress extends FlowWatchProgress {
  /** StopFlow activities run, over every run (a flow started again meanwhile is stopped again). */
  stops: number;
  stoppedByWorkflow: boolean;
}

/** Query: live progress of a take-offline. */
export const offlineProgressQuery = defineQuery<TakeFlowOfflineProgress>('offlineProgress');

/**
 * Takes a MediaConnect flow offline: stops it, then checks its status on a durable timer until it
 * is STANDBY. Idempotent, deciding by the flow's status:
 * - STANDBY: done at once, without a StopFlow;
 * - STOPPING: someone's stop is under way: waits for STANDBY, without a StopFlow;
 * - ACTIVE or ERROR: StopFlow, then waits for STANDBY;
 * - STARTING or UPDATING: MediaConnect does not promise to accept a stop mid-transition, so the
 *   workflow waits until the flow leaves it, then decides again (an ACTIVE flow is stopped);
 * - DELETING: fails with `FlowDeleted`.
 * A flow that is started again while the workflow waits is stopped again.
 *
 * Cancelling it ends it CANCELLED whatever it is doing: its activity is cancelled and the
 * workflow waits until the activity has aborted its request (a StopFlow already sent stays sent).
 *
 * Fails, non-retryably, with type:
 * - `InvalidFlowArn` / `InvalidInput`: bad input, before any MediaConnect call;
 * - `FlowDeleted`: the flow is being deleted;
 * - `FlowStopTimeout`: not STANDBY before the deadline (names the last status and error);
 * - an AWS error name (`NotFoundException`, `ForbiddenException`, ...) MediaConnect refused with.
 */
export async function takeFlowOffline(input: TakeFlowOfflineInput): Promise<TakeFlowOfflineResult> {
  const { flow, pollIntervalMs, timeoutMs, pollsPerRun } = checkBringFlowOnlineInput(input, 'takeFlowOffline');
  const run: TakeOfflineRun = new FlowWatch(
    flow,
    input.carried ? nextRun(input.carried) : firstProgress(flow, timeoutMs),
    offlineProgressQuery,
    FlowStatus.STANDBY,
    (progress) => [`StopFlow calls: ${progress.stops}`],
  );
  const { progress } = run;
  run.report();
  let { status } = await run.firstStatus(input);
  for (let checksThisRun = input.carried ? 0 : 1; ;) {
    if (status === FlowStatus.STANDBY) return standbyResult(flow, progress);
    if (status === FlowStatus.DELETING)
      throw run.failure(FailureType.FlowDeleted, `Flow ${flow.flowName} is being deleted`);
    if (status === FlowStatus.ACTIVE || status === FlowStatus.ERROR) {
      status = await stop(run);
      continue;
    }
    // STOPPING, STARTING, UPDATING, or no status yet (checks failing): wait for the next one.
    if (run.remainingMs() <= 0) throw run.timeout(FailureType.FlowStopTimeout);
    if (checksThisRun >= pollsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof takeFlowOffline>({ ...input, carried: progress });
    }
    const next = await run.waitForNews(pollIntervalMs);
    status = next.status;
    if (next.checked) checksThisRun += 1;
  }
}

/** One run of a take-offline. */
type TakeOfflineRun = FlowWatch<TakeFlowOfflineProgress>;

function firstProgress(flow: FlowArnParts, timeoutMs: number): TakeFlowOfflineProgress {
  return { ...firstWatchProgress(flow, timeoutMs), stops: 0, stoppedByWorkflow: false };
}

/** StopFlow; its retries end by the deadline, after which the workflow fails with `FlowStopTimeout`. */
async function stop(run: TakeOfflineRun): Promise<FlowStatus> {
  const { flow, progress } = run;
  try {
    const stopped = await run.activities(`StopFlow ${flow.flowName}`).stopFlow({ flowArn: flow.arn });
    progress.stops += 1;
    progress.stoppedByWorkflow = true; // even when a lost first attempt had already stopped it
    run.record(stopped.status);
    return stopped.status;
  } catch (err) {
    progress.lastError = failIfPermanent(err);
    throw run.timeout(FailureType.FlowStopTimeout);
  }
}

function standbyResult(flow: FlowArnParts, progress: TakeFlowOfflineProgress): TakeFlowOfflineResult {
  return {
    flowArn: flow.arn,
    status: 'STANDBY',
    polls: progress.polls,
    startedAt: new Date(progress.startedAtMs).toISOString(),
    standbyAt: new Date(Date.now()).toISOString(),
    stoppedByWorkflow: progress.stoppedByWorkflow,
  };
}
