import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import type { FlowArnParts } from '../common/arn';
import {
  BRING_FLOW_ONLINE_BOUNDS,
  BRING_FLOW_ONLINE_DEFAULTS,
  checkBringFlowOnlineInput,
} from '../common/bring-flow-online-input';
import { detailsMarkdown } from '../common/details-markdown';
import { FailureType } from '../common/failure-types';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { FlowNameSearchAttribute, FlowStatusSearchAttribute } from '../common/search-attributes';
import { failIfPermanent } from './activity-failures';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';
import { measureBringUp } from './metrics';

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

/** Live progress, as the `progress` query returns it and continue-as-new carries it. */
export interface BringFlowOnlineProgress {
  flowArn: string;
  /** Last status seen; undefined before the first check. */
  lastStatus?: FlowStatus;
  /** DescribeFlow calls made so far, over every run. */
  polls: number;
  /** Epoch ms when the bring-up began. */
  startedAtMs: number;
  /** Epoch ms after which the bring-up fails with `FlowStartTimeout`. */
  deadlineMs: number;
  /** Milliseconds since the bring-up began (filled in by the query). */
  elapsedMs: number;
  /** True once a start was sent, or the flow was found already starting. */
  startRequested: boolean;
  startedByWorkflow: boolean;
  /** The last retryable failure met (throttling, server fault), if any. */
  lastError?: string;
  /** Which run of the workflow this is: 1, then +1 per continue-as-new. */
  run: number;
}

/** Query: live progress of a bring-up. */
export const progressQuery = defineQuery<BringFlowOnlineProgress>('progress');

/** Payload of {@link flowStatusChangedSignal}. */
export interface FlowStatusChange {
  /** The flow's new status, as the event reported it. */
  currentStatus?: string;
  /**
   * True when the sender read `currentStatus` from MediaConnect just now (a fleet's ListFlows):
   * the workflow then takes it as a status check of its own. Otherwise (EventBridge events can
   * arrive late or out of order) the workflow wakes and confirms with DescribeFlow.
   * @default false
   */
  confirmed?: boolean;
  /**
   * The flow the change is about. A bring-up ignores it (it has one flow); a workflow that watches
   * many flows (`eventDay`, a fleet) needs it and drops changes for flows that are not its own.
   */
  flowArn?: string;
  /** The status before the change, as the event reported it. */
  previousStatus?: string;
  /**
   * When the change happened (the EventBridge event's `time`, ISO 8601). Events arrive at least
   * once and out of order: a watcher may drop a change older than the last one it took.
   */
  time?: string;
}

/**
 * Signal: the flow's status changed (for example forwarded from EventBridge's "MediaConnect
 * Flow Status Change" event). Wakes the waiting workflow at once instead of at its next timer;
 * the timer loop remains the guarantee when no event arrives.
 */
export const flowStatusChangedSignal = defineSignal<[FlowStatusChange?]>('flowStatusChanged');

/**
 * Status checks give up after 60 s of retrying, the workflow records why, and the next check
 * follows: throttling shows up in the query, the UI and the final failure instead of silently
 * eating the deadline. (Every activity's schedule-to-close timeout is also capped by the time left
 * before the bring-up's deadline, so retries never outlive the bring-up.)
 */
const STATUS_CHECK_RETRY_BUDGET_MS = 60_000;

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
  const run = new BringUpRun(flow, input.carried ? nextRun(input.carried) : firstProgress(flow, timeoutMs));
  const { progress } = run;
  report(flow, progress);
  let { status, errors } = await firstStatus(run, input);
  for (let checksThisRun = input.carried ? 0 : 1; ;) {
    if (status === FlowStatus.ACTIVE) return activeResult(flow, progress);
    failIfLost(status, errors, flow, progress);
    if (status === FlowStatus.STANDBY || status === FlowStatus.ERROR) {
      ({ status, errors } = await start(run));
      continue;
    }
    // Someone else's start counts as ours: no second start, and a later STANDBY means a stop.
    if (status === FlowStatus.STARTING) progress.startRequested = true;

    if (run.remainingMs() <= 0) throw timeoutFailure(flow, progress);
    if (checksThisRun >= pollsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof bringFlowOnline>({ ...input, carried: progress });
    }
    const next = await run.waitForNews(pollIntervalMs);
    ({ status, errors } = next);
    if (next.checked) checksThisRun += 1;
  }
}

/** A status read: the status (unknown when no check has succeeded yet) and, for ERROR, the flow's messages. */
interface StatusRead {
  status?: FlowStatus;
  errors: string[];
}

function firstProgress(flow: FlowArnParts, timeoutMs: number): BringFlowOnlineProgress {
  return {
    flowArn: flow.arn,
    polls: 0,
    startedAtMs: Date.now(),
    deadlineMs: Date.now() + timeoutMs,
    elapsedMs: 0,
    startRequested: false,
    startedByWorkflow: false,
    run: 1,
  };
}

function nextRun(carried: BringFlowOnlineProgress): BringFlowOnlineProgress {
  return { ...carried, run: carried.run + 1 };
}

/** Where a run begins: the carried status, the status the caller knows, or a first check. */
async function firstStatus(run: BringUpRun, input: BringFlowOnlineInput): Promise<StatusRead> {
  if (input.carried) return { status: run.progress.lastStatus, errors: [] };
  if (input.knownStatus !== undefined) {
    run.record(input.knownStatus);
    return { status: input.knownStatus, errors: [] };
  }
  return run.check();
}

/** One run of a bring-up: its flow, its progress (carried across continue-as-new), its query and signal. */
class BringUpRun {
  private woken: FlowStatusChange | undefined;
  /** Update the status search attribute only where the starter set ours: then the namespace has them. */
  private readonly searchable: boolean;

  constructor(
    readonly flow: FlowArnParts,
    readonly progress: BringFlowOnlineProgress,
  ) {
    setHandler(progressQuery, () => ({ ...progress, elapsedMs: Date.now() - progress.startedAtMs }));
    setHandler(flowStatusChangedSignal, (change = {}) => {
      this.woken = newsier(this.woken, change, progress.lastStatus);
    });
    this.searchable = workflowInfo().typedSearchAttributes.get(FlowNameSearchAttribute) !== undefined;
  }

  remainingMs(): number {
    return this.progress.deadlineMs - Date.now();
  }

  /** The activities, for calls whose retries end by the bring-up's deadline (or `retryBudgetMs`, when sooner). */
  activities(summary: string, retryBudgetMs = Infinity): MediaConnectActivities {
    return proxyActivities<MediaConnectActivities>({
      ...BUDGETED_ACTIVITY_OPTIONS,
      scheduleToCloseTimeout: Math.max(1_000, Math.min(this.remainingMs(), retryBudgetMs)),
      summary,
    });
  }

  /** One status check. Retryable failures are recorded and the last known status kept. */
  async check(): Promise<StatusRead> {
    const { flow, progress } = this;
    progress.polls += 1;
    try {
      const { status, errors } = await this.activities(
        `DescribeFlow ${flow.flowName}`,
        STATUS_CHECK_RETRY_BUDGET_MS,
      ).describeFlow({ flowArn: flow.arn });
      this.record(status);
      return { status, errors };
    } catch (err) {
      progress.lastError = failIfPermanent(err);
      report(flow, progress);
      return { status: progress.lastStatus, errors: [] };
    }
  }

  record(status: FlowStatus): void {
    const { flow, progress } = this;
    if (status !== progress.lastStatus) {
      log.info('Flow status', { flowArn: flow.arn, status, polls: progress.polls });
      if (this.searchable) upsertSearchAttributes([{ key: FlowStatusSearchAttribute, value: status }]);
    }
    progress.lastStatus = status;
    report(flow, progress);
  }

  /**
   * Waits until the next check is due or a signal brings news, then reads the status: from a
   * confirmed signal when it carries one (`checked` false), else with a check.
   */
  async waitForNews(pollIntervalMs: number): Promise<StatusRead & { checked: boolean }> {
    // A signal that arrived during the last check is not lost: the wait then ends at once.
    const waitMs = Math.min(pollIntervalMs, this.remainingMs());
    const waitUntil = Date.now() + waitMs;
    let change: FlowStatusChange | undefined;
    for (let leftMs = waitMs; leftMs > 0; leftMs = waitUntil - Date.now()) {
      await condition(() => this.woken !== undefined, leftMs, { summary: `wait ${formatSeconds(leftMs)} for ACTIVE` });
      change = this.woken;
      this.woken = undefined;
      // An unconfirmed change to the status already known (EventBridge's STARTING after our own StartFlow,
      // a duplicate) is no news: keep waiting instead of spending a check on it.
      if (change === undefined || change.confirmed || change.currentStatus !== this.progress.lastStatus) break;
    }
    if (change?.confirmed && isFlowStatus(change.currentStatus) && change.currentStatus !== FlowStatus.ERROR) {
      this.record(change.currentStatus); // a fresh read by the sender: no call needed (ERROR needs its messages)
      return { status: change.currentStatus, errors: [], checked: false };
    }
    return { ...(await this.check()), checked: true };
  }
}

/**
 * Of a change not yet taken and one arriving, the one to keep: a confirmed read beats an
 * unconfirmed event, and an unconfirmed echo of the status already known (a duplicate, a late
 * event) never hides a real change that came first.
 */
function newsier(
  pending: FlowStatusChange | undefined,
  incoming: FlowStatusChange,
  lastStatus: FlowStatus | undefined,
): FlowStatusChange {
  if (pending === undefined || incoming.confirmed) return incoming;
  if (pending.confirmed || incoming.currentStatus === lastStatus) return pending;
  return incoming;
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
function failIfLost(
  status: FlowStatus | undefined,
  errors: string[],
  flow: FlowArnParts,
  progress: BringFlowOnlineProgress,
): void {
  if (status === FlowStatus.DELETING)
    throw flowFailure(FailureType.FlowDeleted, `Flow ${flow.flowName} is being deleted`, flow, progress);
  if (status === FlowStatus.ERROR && progress.startRequested) {
    const reason = errors.length > 0 ? errors.join('; ') : 'MediaConnect gave no error message';
    report(flow, progress, errors);
    throw flowFailure(FailureType.FlowError, `Flow ${flow.flowName} went to ERROR: ${reason}`, flow, progress, {
      errors,
    });
  }
  if ((status === FlowStatus.STANDBY || status === FlowStatus.STOPPING) && progress.startRequested) {
    throw flowFailure(
      FailureType.FlowStopped,
      `Flow ${flow.flowName} went to ${status} while starting: it was stopped`,
      flow,
      progress,
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
    throw timeoutFailure(flow, progress);
  }
}

function flowFailure(
  type: string,
  message: string,
  flow: FlowArnParts,
  progress: BringFlowOnlineProgress,
  extra: object = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: [{ flowArn: flow.arn, lastStatus: progress.lastStatus, polls: progress.polls, ...extra }],
  });
}

function timeoutFailure(flow: FlowArnParts, progress: BringFlowOnlineProgress): ApplicationFailure {
  const waited = formatSeconds(Date.now() - progress.startedAtMs);
  const lastError = progress.lastError ? `; last error: ${progress.lastError}` : '';
  return flowFailure(
    FailureType.FlowStartTimeout,
    `Flow ${flow.flowName} was not ACTIVE after ${waited}; last status ${progress.lastStatus ?? 'unknown'}${lastError}`,
    flow,
    progress,
    { lastError: progress.lastError },
  );
}

/** Keeps the Web UI's "current details" in step with the bring-up. */
function report(flow: FlowArnParts, progress: BringFlowOnlineProgress, flowErrors: string[] = []): void {
  const facts = [
    `status: **${progress.lastStatus ?? 'checking'}**`,
    `status checks: ${progress.polls}`,
    `elapsed: ${formatSeconds(Date.now() - progress.startedAtMs)}`,
  ];
  if (progress.lastError) facts.push(`last error: ${progress.lastError}`);
  for (const message of flowErrors) facts.push(`flow error: ${message}`);
  setCurrentDetails(detailsMarkdown(`**${flow.flowName}** (${flow.region}, account ${flow.accountId})`, facts));
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
