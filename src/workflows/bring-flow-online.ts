import { continueAsNew, defineQuery, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FlowArnParts } from '../common/arn';
import {
  BRING_FLOW_ONLINE_BOUNDS,
  BRING_FLOW_ONLINE_DEFAULTS,
  checkBringFlowOnlineInput,
} from '../common/bring-flow-online-input';
import { FailureType } from '../common/failure-types';
import { FlowStatus } from '../common/flow-status';
import { failIfPermanent } from './activity-failures';
import { firstWatchProgress, FlowWatch, nextRun, type FlowWatchProgress, type StatusRead } from './flow-watch';
import { measureBringUp } from './metrics';

export { flowStatusChangedSignal, type FlowStatusChange } from './flow-watch';
export { BRING_FLOW_ONLINE_BOUNDS, BRING_FLOW_ONLINE_DEFAULTS };

/** Input of {@link bringFlowOnline}. */
export interface BringFlowOnlineInput {
  /** ARN of the MediaConnect flow to bring online. */
  flowArn: string;
  /**
   * Time between two status checks (DescribeFlow) while the flow is STARTING. A
   * `flowStatusChanged` signal cuts a wait short.
   * @default '2s'
   */
  pollInterval?: Duration;
  /**
   * How long the flow may take to become ACTIVE, from the workflow's start, before the
   * workflow fails with `FlowStartTimeout`. Continue-as-new does not reset it.
   * @default '10m'
   */
  timeout?: Duration;
  /**
   * Status checks per workflow run before continuing as new, which keeps history bounded
   * (the workflow also continues as new whenever the server suggests it).
   * @default 500
   */
  pollsPerRun?: number;
  /**
   * The flow's status as the caller just read it (for example from ListFlows), which saves the
   * first DescribeFlow. A fleet bring-up passes it for each flow.
   * @default undefined (the workflow checks the status itself)
   */
  knownStatus?: FlowStatus;
  /** Progress carried across continue-as-new. Not for callers. @internal */
  carried?: BringFlowOnlineProgress;
}

/** What {@link bringFlowOnline} returns once the flow is ACTIVE. */
export interface BringFlowOnlineResult {
  flowArn: string;
  status: 'ACTIVE';
  /** DescribeFlow calls made, over every run. */
  polls: number;
  /** When the bring-up began (ISO 8601). */
  startedAt: string;
  /** When the workflow saw the flow ACTIVE (ISO 8601). */
  activeAt: string;
  /** False when the flow was already STARTING or ACTIVE, so this workflow did not start it. */
  startedByWorkflow: boolean;
}

/**
 * Live progress, as the `progress` query returns it and continue-as-new carries it (the fields every
 * wait for a flow's status has: `flowArn`, `lastStatus`, `polls`, `startedAtMs`, `deadlineMs` after
 * which it fails with `FlowStartTimeout`, `elapsedMs`, `lastError`, `run`; and the bring-up's own).
 */
export interface BringFlowOnlineProgress extends FlowWatchProgress {
  /** True once a start was sent, or the flow was found already starting. */
  startRequested: boolean;
  startedByWorkflow: boolean;
}

/** Query: live progress of a bring-up. */
export const progressQuery = defineQuery<BringFlowOnlineProgress>('progress');

/**
 * Brings a MediaConnect flow online: starts it (unless it is already STARTING or ACTIVE), then
 * checks its status on a durable timer until it is ACTIVE.
 *
 * Cancelling it ends it CANCELLED whatever it is doing (waiting for the request budget, calling
 * StartFlow or DescribeFlow, waiting on its timer): its activity is cancelled and the workflow
 * waits until the activity has aborted its request.
 *
 * Fails, non-retryably, with type:
 * - `InvalidFlowArn` / `InvalidInput`: bad input, before any MediaConnect call;
 * - `FlowError`: the flow went to ERROR (details carry its error messages);
 * - `FlowStopped` / `FlowDeleted`: someone stopped or deleted the flow meanwhile;
 * - `FlowStartTimeout`: not ACTIVE before the deadline (names the last status and error);
 * - an AWS error name (`NotFoundException`, `ForbiddenException`, ...) MediaConnect refused with.
 */
export async function bringFlowOnline(input: BringFlowOnlineInput): Promise<BringFlowOnlineResult> {
  return measureBringUp(input?.carried?.startedAtMs ?? Date.now(), () => bringUp(input));
}
async function bringUp(input: BringFlowOnlineInput): Promise<BringFlowOnlineResult> {
  const { flow, pollIntervalMs, timeoutMs, pollsPerRun } = checkBringFlowOnlineInput(input, 'bringFlowOnline');
  const run: BringUpRun = new FlowWatch(
    flow,
    input.carried ? nextRun(input.carried) : firstProgress(flow, timeoutMs),
    progressQuery,
    FlowStatus.ACTIVE,
  );
  const { progress } = run;
  run.report();
  let { status, errors } = await run.firstStatus(input);
  for (let checksThisRun = input.carried ? 0 : 1; ;) {
    if (status === FlowStatus.ACTIVE) return activeResult(flow, progress);
    failIfLost(status, errors, run);
    if (status === FlowStatus.STANDBY || status === FlowStatus.ERROR) {
      ({ status, errors } = await start(run));
      continue;
    }
    // Someone else's start counts as ours: no second start, and a later STANDBY means a stop.
    if (status === FlowStatus.STARTING) progress.startRequested = true;

    if (run.remainingMs() <= 0) throw run.timeout(FailureType.FlowStartTimeout);
    if (checksThisRun >= pollsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof bringFlowOnline>({ ...input, carried: progress });
    }
    const next = await run.waitForNews(pollIntervalMs);
    ({ status, errors } = next);
    if (next.checked) checksThisRun += 1;
  }
}

/** One run of a bring-up. */
type BringUpRun = FlowWatch<BringFlowOnlineProgress>;

function firstProgress(flow: FlowArnParts, timeoutMs: number): BringFlowOnlineProgress {
  return { ...firstWatchProgress(flow, timeoutMs), startRequested: false, startedByWorkflow: false };
}

function activeResult(flow: FlowArnParts, progress: BringFlowOnlineProgress): BringFlowOnlineResult {
  const activeAt = new Date(Date.now()).toISOString();
  return {
    flowArn: flow.arn,
    status: 'ACTIVE',
    polls: progress.polls,
    startedAt: new Date(progress.startedAtMs).toISOString(),
    activeAt,
    startedByWorkflow: progress.startedByWorkflow,
  };
}

/** Throws the bring-up's failure when the status means the flow will not become ACTIVE: deleted, in ERROR or stopped after a start. */
function failIfLost(status: FlowStatus | undefined, errors: string[], run: BringUpRun): void {
  const { flow, progress } = run;
  if (status === FlowStatus.DELETING)
    throw run.failure(FailureType.FlowDeleted, `Flow ${flow.flowName} is being deleted`);
  if (status === FlowStatus.ERROR && progress.startRequested) {
    const reason = errors.length > 0 ? errors.join('; ') : 'MediaConnect gave no error message';
    run.report(errors);
    throw run.failure(FailureType.FlowError, `Flow ${flow.flowName} went to ERROR: ${reason}`, { errors });
  }
  if ((status === FlowStatus.STANDBY || status === FlowStatus.STOPPING) && progress.startRequested) {
    throw run.failure(
      FailureType.FlowStopped,
      `Flow ${flow.flowName} went to ${status} while starting: it was stopped`,
    );
  }
}

async function start(run: BringUpRun): Promise<StatusRead> {
  const { flow, progress } = run;
  try {
    const started = await run.activities(`StartFlow ${flow.flowName}`).startFlow({ flowArn: flow.arn });
    progress.startRequested = true;
    progress.startedByWorkflow = true; // even when a lost first attempt had already started it
    run.record(started.status);
    return { status: started.status, errors: [] };
  } catch (err) {
    progress.lastError = failIfPermanent(err);
    throw run.timeout(FailureType.FlowStartTimeout);
  }
}
