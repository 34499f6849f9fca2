import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types';
import {
  checkRequestBudgetLimits,
  MAX_TOKENS_PER_UPDATE,
  RequestBudgetNames,
  requestBudgetWorkflowId,
  type RequestBudgetLimits,
  type RequestTokenGrant,
  type RequestTokensRequest,
} from '../common/request-budget-math';

/** Where the budget lives and what it allows: `createWorker({ requestBudget })`. */
export interface RequestBudgetOptions extends Partial<RequestBudgetLimits> {
  /**
   * Workflow id of the budget: every worker that spends the same account's quota through the same
   * budget id (in the same namespace) shares it. Name one explicitly to share a budget between
   * task queues, and set `taskQueue` so it runs where a worker always polls.
   * @default `mediaconnect-request-budget:<task queue>:<region>` (the activity's task queue, the MediaConnect client's region)
   */
  budgetId?: string;
  /** Task queue the budget workflow runs on. @default the activity's task queue */
  taskQueue?: string;
}

/** What the activities ask before every MediaConnect call. */
export interface RequestBudget {
  /**
   * Waits until one MediaConnect request may be sent, heartbeating meanwhile.
   * @param maxWaitMs longest wait this activity attempt can afford.
   * @throws ApplicationFailure `RequestBudgetExhausted` (retryable, with `nextRetryDelay`) when the
   *   budget is booked further ahead; `RequestBudgetUnavailable` (retryable) when it cannot be reached.
   */
  acquire(maxWaitMs: number): Promise<void>;
  /** Tells the budget MediaConnect answered 429 anyway. Never throws. */
  reportThrottled(retryAfterMs?: number): Promise<void>;
}

/** Heartbeat period while waiting for a token. */
const HEARTBEAT_EVERY_MS = 1_000;
/** How long one reservation update may take (normally tens of ms): a budget no worker runs must not hang the activities. */
const RESERVE_TIMEOUT_MS = 10_000;

/**
 * The request budget as a workflow (`mediaConnectRequestBudget`), reached through the worker's
 * own Temporal client (`Context.current().client`). The requests of a worker's activities are
 * gathered into one `reserveRequests` update at a time (Temporal admits only a few updates in
 * flight per workflow), sent with update-with-start: the first request starts the budget.
 *
 * @param region the MediaConnect client's region, for the default budget id.
 */
export function temporalRequestBudget(options: RequestBudgetOptions, region: () => Promise<string>): RequestBudget {
  const limits = checkRequestBudgetLimits(options, 'requestBudget');
  const queues = new Map<string, ReservationQueue>();
  /** Where the budget runs and its id, for the activity asking. */
  const locate = async (context: Context) => {
    const taskQueue = options.taskQueue ?? context.info.taskQueue;
    return { taskQueue, workflowId: options.budgetId ?? requestBudgetWorkflowId(taskQueue, await region()) };
  };

  const queueFor = (workflowId: string, client: Client, taskQueue: string): ReservationQueue => {
    let queue = queues.get(workflowId);
    if (!queue) {
      queue = new ReservationQueue((maxWaitsMs) =>
        client.withAbortSignal(AbortSignal.timeout(RESERVE_TIMEOUT_MS), () =>
          client.workflow.executeUpdateWithStart<(input: { limits: RequestBudgetLimits }) => Promise<unknown>, RequestTokenGrant[], [RequestTokensRequest]>(
            RequestBudgetNames.reserveUpdate,
            {
              args: [{ limits, maxWaitsMs }],
              startWorkflowOperation: new WithStartWorkflowOperation(RequestBudgetNames.workflowType, {
                workflowId,
                taskQueue,
                args: [{ limits }],
                workflowIdConflictPolicy: 'USE_EXISTING',
                staticSummary: `MediaConnect request budget: ${limits.requestsPerSecond}/s, burst ${limits.burst}`,
              }),
            },
          ),
        ),
      );
      queues.set(workflowId, queue);
    }
    return queue;
  };

  return {
    async acquire(maxWaitMs) {
      const context = Context.current();
      const { workflowId, taskQueue } = await locate(context);
      const queue = queueFor(workflowId, context.client, taskQueue);
      let grant: RequestTokenGrant;
      try {
        grant = await Promise.race([queue.request(Math.max(0, Math.floor(maxWaitMs))), context.cancelled]);
      } catch (err) {
        if (context.cancellationSignal.aborted) throw err;
        throw ApplicationFailure.create({
          type: FailureType.RequestBudgetUnavailable,
          message: `Could not reserve a MediaConnect request from the budget workflow ${workflowId} (${updateError(err).message}); no MediaConnect call was made`,
        });
      }
      if (!grant.granted) {
        throw ApplicationFailure.create({
          type: FailureType.RequestBudgetExhausted,
          message: `The MediaConnect request budget (${limits.requestsPerSecond}/s, burst ${limits.burst}) is booked ${(grant.waitMs / 1000).toFixed(1)} s ahead, longer than this attempt can wait (${(maxWaitMs / 1000).toFixed(1)} s); no MediaConnect call was made, the attempt is retried when the wait fits`,
          nextRetryDelay: Math.max(1_000, Math.ceil(grant.waitMs - maxWaitMs)),
        });
      }
      await sleepWithHeartbeats(context, grant.waitMs);
    },

    async reportThrottled(retryAfterMs) {
      try {
        const context = Context.current();
        await context.client.workflow.getHandle((await locate(context)).workflowId).signal(RequestBudgetNames.throttledSignal, { retryAfterMs });
      } catch {
        // Only a hint: the 429 is retried either way.
      }
    },
  };
}

interface PendingRequest {
  maxWaitMs: number;
  resolve(grant: RequestTokenGrant): void;
  reject(err: unknown): void;
}

/**
 * One worker's requests to one budget: whatever arrives while an update is in flight goes out
 * together in the next, so a worker never has more than one update in flight per budget.
 */
class ReservationQueue {
  private pending: PendingRequest[] = [];
  private sending = false;

  constructor(private readonly send: (maxWaitsMs: number[]) => Promise<RequestTokenGrant[]>) {}

  request(maxWaitMs: number): Promise<RequestTokenGrant> {
    return new Promise((resolve, reject) => {
      this.pending.push({ maxWaitMs, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_TOKENS_PER_UPDATE);
        try {
          const grants = await this.send(batch.map((p) => p.maxWaitMs));
          batch.forEach((p, i) => p.resolve(grants[i]));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}

function updateError(err: unknown): Error {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  return cause ?? (err instanceof Error ? err : new Error(String(err)));
}

/** Waits `ms`, heartbeating (so a lost worker is noticed) and ending early if the activity is cancelled. */
export async function sleepWithHeartbeats(context: Context, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    context.heartbeat();
    await context.sleep(Math.min(left, HEARTBEAT_EVERY_MS));
  }
}
