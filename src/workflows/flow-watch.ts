/**
 * Waiting for one flow's status, as `bringFlowOnline` and `takeFlowOffline` both do: the progress
 * they carry across continue-as-new and answer their query with, the `flowStatusChanged` signal,
 * budgeted status checks, the search attribute and Web UI details kept in step, and their failures.
 */
import {
  ApplicationFailure,
  condition,
  defineSignal,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type QueryDefinition,
} from '@temporalio/workflow';
import type { MediaConnectActivities } from '../activities/mediaconnect-activities';
import type { FlowArnParts } from '../common/arn';
import { detailsMarkdown } from '../common/details-markdown';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { FlowNameSearchAttribute, FlowStatusSearchAttribute } from '../common/search-attributes';
import { failIfPermanent } from './activity-failures';
import { BUDGETED_ACTIVITY_OPTIONS } from './activity-options';

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

/** What a wait for one flow's status tracks: carried across continue-as-new, returned by its progress query. */
export interface FlowWatchProgress {
  flowArn: string;
  /** Last status seen; undefined before the first check. */
  lastStatus?: FlowStatus;
  /** DescribeFlow calls made so far, over every run. */
  polls: number;
  /** Epoch ms when the workflow began. */
  startedAtMs: number;
  /** Epoch ms after which the workflow fails with its timeout. */
  deadlineMs: number;
  /** Milliseconds since the workflow began (filled in by the query). */
  elapsedMs: number;
  /** The last retryable failure met (throttling, server fault), if any. */
  lastError?: string;
  /** Which run of the workflow this is: 1, then +1 per continue-as-new. */
  run: number;
}

/** A status read: the status (unknown when no check has succeeded yet) and, for ERROR, the flow's messages. */
export interface StatusRead {
  status?: FlowStatus;
  errors: string[];
}

/**
 * Status checks give up after 60 s of retrying, the workflow records why, and the next check
 * follows: throttling shows up in the query, the UI and the final failure instead of silently
 * eating the deadline. (Every activity's schedule-to-close timeout is also capped by the time left
 * before the workflow's deadline, so retries never outlive it.)
 */
const STATUS_CHECK_RETRY_BUDGET_MS = 60_000;

/** The first progress of a workflow that waits for `flow` at most `timeoutMs`. */
export function firstWatchProgress(flow: FlowArnParts, timeoutMs: number): FlowWatchProgress {
  return {
    flowArn: flow.arn,
    polls: 0,
    startedAtMs: Date.now(),
    deadlineMs: Date.now() + timeoutMs,
    elapsedMs: 0,
    run: 1,
  };
}

/** The progress a continued run starts from. */
export function nextRun<P extends FlowWatchProgress>(carried: P): P {
  return { ...carried, run: carried.run + 1 };
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

/**
 * One run of a workflow that waits for a flow's status: its flow, its progress (carried across
 * continue-as-new), its query and signal handlers.
 */
export class FlowWatch<P extends FlowWatchProgress> {
  private woken: FlowStatusChange | undefined;
  /** Update the status search attribute only where the starter set ours: then the namespace has them. */
  private readonly searchable: boolean;

  /**
   * @param awaited the status the workflow waits for, named in its timers' summaries and its timeout.
   * @param facts the workflow's own lines in the Web UI's current details, after the status and checks.
   */
  constructor(
    readonly flow: FlowArnParts,
    readonly progress: P,
    query: QueryDefinition<P>,
    private readonly awaited: FlowStatus,
    private readonly facts: (progress: P) => string[] = () => [],
  ) {
    setHandler(query, () => ({ ...progress, elapsedMs: Date.now() - progress.startedAtMs }));
    setHandler(flowStatusChangedSignal, (change = {}) => {
      this.woken = newsier(this.woken, change, progress.lastStatus);
    });
    this.searchable = workflowInfo().typedSearchAttributes.get(FlowNameSearchAttribute) !== undefined;
  }

  remainingMs(): number {
    return this.progress.deadlineMs - Date.now();
  }

  /** Where a run begins: the carried status, the status the caller knows, or a first check. */
  async firstStatus(input: { carried?: unknown; knownStatus?: FlowStatus }): Promise<StatusRead> {
    if (input.carried) return { status: this.progress.lastStatus, errors: [] };
    if (input.knownStatus !== undefined) {
      this.record(input.knownStatus);
      return { status: input.knownStatus, errors: [] };
    }
    return this.check();
  }

  /** The activities, for calls whose retries end by the workflow's deadline (or `retryBudgetMs`, when sooner). */
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
      this.report();
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
    this.report();
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
      await condition(() => this.woken !== undefined, leftMs, {
        summary: `wait ${formatSeconds(leftMs)} for ${this.awaited}`,
      });
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

  /** A non-retryable failure of the workflow, its details naming the flow, its last status and checks. */
  failure(type: string, message: string, extra: object = {}): ApplicationFailure {
    const { flow, progress } = this;
    return ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      details: [{ flowArn: flow.arn, lastStatus: progress.lastStatus, polls: progress.polls, ...extra }],
    });
  }

  /** The failure of a flow that did not reach the awaited status before the deadline. */
  timeout(type: string): ApplicationFailure {
    const { flow, progress } = this;
    const waited = formatSeconds(Date.now() - progress.startedAtMs);
    const lastError = progress.lastError ? `; last error: ${progress.lastError}` : '';
    return this.failure(
      type,
      `Flow ${flow.flowName} was not ${this.awaited} after ${waited}; last status ${progress.lastStatus ?? 'unknown'}${lastError}`,
      { lastError: progress.lastError },
    );
  }

  /** Keeps the Web UI's "current details" in step with the workflow. */
  report(flowErrors: string[] = []): void {
    const { flow, progress } = this;
    const facts = [
      `status: **${progress.lastStatus ?? 'checking'}**`,
      `status checks: ${progress.polls}`,
      ...this.facts(progress),
      `elapsed: ${formatSeconds(Date.now() - progress.startedAtMs)}`,
    ];
    if (progress.lastError) facts.push(`last error: ${progress.lastError}`);
    for (const message of flowErrors) facts.push(`flow error: ${message}`);
    setCurrentDetails(detailsMarkdown(`**${flow.flowName}** (${flow.region}, account ${flow.accountId})`, facts));
  }
}

export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
