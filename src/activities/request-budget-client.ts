import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { FailureType, invalidInput } from '../common/failure-types';
import {
  MAX_ARRIVAL_ALLOWANCE_MS,
  boundedRetryAfterMs,
  checkRequestBudgetLimits,
  DEFAULT_REQUEST_BUDGET,
  MAX_TOKENS_PER_UPDATE,
  RequestBudgetNames,
  requestBudgetWorkflowId,
  type RequestBudgetLimits,
  type RequestLane,
  type RequestTokenGrant,
  type RequestTokensAnswer,
  type RequestTokensRequest,
} from '../common/request-budget-math';

/** Where the budgets live and what a budget this worker starts allows: `createWorker({ requestBudget })`. */
export interface RequestBudgetOptions extends Partial<RequestBudgetLimits> {
  /**
   * Prefix of the budgets' workflow ids: the budget of a region is `<budgetId>:<region>`. Every
   * worker that names the same budget id (in the same namespace) shares its budgets. Name one to
   * share budgets between task queues, and set `taskQueue` so they run where a worker always polls.
   * @default `mediaconnect-request-budget:<task queue>` (the activity's task queue), so `mediaconnect-request-budget:<task queue>:<region>`
   */
  budgetId?: string;
  /** Task queue the budget workflows run on. @default the activity's task queue */
  taskQueue?: string;
  /**
   * Called after each reservation update with its size and round trip (for metrics and the
   * benchmark): every request in it waited `roundTripMs` on top of its slot. Must not throw.
   */
  onReservation?: (reservation: { budgetWorkflowId: string; requests: number; roundTripMs: number }) => void;
  /**
   * Most writes (StartFlow, StopFlow) this worker keeps waiting for their turn in one budget; a
   * write past them gives up its activity slot and comes back near its turn (one more activity
   * attempt, failed `RequestBudgetWriteQueued`). Set it to your `maxConcurrentActivityTaskExecutions`
   * or more to keep every write waiting in the worker: no extra attempts, but in a big fleet the
   * writes then take every slot and status reads wait for one. @default {@link WRITES_HELD} (50)
   */
  writesHeld?: number;
}

/** What the activities ask before every MediaConnect call. */
export interface RequestBudget {
  /**
   * Waits until one MediaConnect request to `region` may be sent, heartbeating meanwhile. When it
   * returns, send at once: the token is valid from now until its deadline.
   * @param maxWaitMs longest wait this activity attempt can afford.
   * @param region the flow's region (each region has its own quota, and its own budget).
   * @param lane `write` for StartFlow and StopFlow: booked just in time, so that reads waiting
   *   meanwhile go first (see `RequestLane`). @default 'read'
   * @throws ApplicationFailure `RequestBudgetExhausted` (retryable, with `nextRetryDelay`) when the
   *   budget is booked further ahead; `RequestBudgetUnavailable` (retryable) when it cannot be
   *   reached, or this worker could not send within its tokens' windows.
   */
  acquire(maxWaitMs: number, region: string, lane?: RequestLane): Promise<void>;
  /** Tells the region's budget MediaConnect answered 429 anyway. Never throws. */
  reportThrottled(region: string, retryAfterMs?: number): Promise<void>;
}

/** Heartbeat period while waiting for a token. */
const HEARTBEAT_EVERY_MS = 1_000;
/** How long one reservation update may take (normally tens of ms): a budget no worker runs must not hang the activities. */
const RESERVE_TIMEOUT_MS = 10_000;
/** Tokens one call may forfeit (its send came after the token's deadline) before the attempt fails and is retried. */
const MAX_FORFEITS = 3;
/**
 * The budget workflow's task queue priority: the first. Every MediaConnect call waits on one of its
 * updates, so its workflow tasks must not wait behind the hundreds of bring-up tasks a fleet queues
 * (a burst of ACTIVE flows completes that many bring-ups at once).
 */
const BUDGET_PRIORITY_KEY = 1;
/**
 * Most writes (StartFlow, StopFlow) one worker keeps waiting for their turn in one budget: 10 s of
 * them at 5 requests/s. A fleet of 1000 schedules its 1000 StartFlows at once; kept waiting in the
 * worker, they would take every activity slot (100 by default) for minutes, and a status read would
 * wait for a slot to free (and, on a task queue of several partitions, for a poll to reach its
 * partition: seconds). The writes past these leave their slot at once and come back near their turn.
 */
export const WRITES_HELD = 50;
/** AWS region names: lowercase letters, digits and dashes (`us-east-1`, `eusc-de-east-1`, `us-iso-east-1`). */
const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/**
 * The request budgets as workflows (`mediaConnectRequestBudget`), one per account and region,
 * reached through the worker's own Temporal client (`Context.current().client`). The requests
 * of a worker's activities are gathered into one `reserveRequests` update per budget at a time
 * (Temporal admits only a few updates in flight per workflow), sent with update-with-start: the
 * first request starts the budget, with this worker's limits.
 *
 * Who sets the limits: the budget's start input (the first worker to reach it) or the
 * `setRequestBudgetLimits` update. A worker configured with other limits uses the budget's and
 * logs the mismatch once.
 */
export function temporalRequestBudget(options: RequestBudgetOptions = {}): RequestBudget {
  const limits = checkRequestBudgetLimits(options, 'requestBudget');
  if (options.writesHeld !== undefined && !(Number.isInteger(options.writesHeld) && options.writesHeld >= 1)) {
    throw invalidInput(
      `requestBudget: writesHeld must be a whole number of 1 or more (the writes a worker keeps waiting), got ${JSON.stringify(options.writesHeld)}`,
    );
  }
  if (options.budgetId !== undefined && (typeof options.budgetId !== 'string' || options.budgetId.trim() === '')) {
    throw invalidInput(
      `requestBudget: budgetId must be a non-empty string (the prefix of the budgets' workflow ids), got ${JSON.stringify(options.budgetId)}`,
    );
  }
  return new TemporalRequestBudget(options, limits);
}

/** `temporalRequestBudget`'s budgets: one reservation queue per budget workflow this worker reaches. */
class TemporalRequestBudget implements RequestBudget {
  private readonly queues = new Map<string, ReservationQueue>();
  private readonly mismatchLogged = new Set<string>();

  constructor(
    private readonly options: RequestBudgetOptions,
    private readonly limits: RequestBudgetLimits,
  ) {}

  async acquire(maxWaitMs: number, region: string, lane: RequestLane = 'read'): Promise<void> {
    const context = Context.current();
    const { workflowId, taskQueue } = this.locate(context, region);
    const queue = this.queueFor(workflowId, context.client, taskQueue);
    const giveUpAt = Date.now() + Math.max(0, maxWaitMs);
    for (let forfeits = 0; ; forfeits += 1) {
      const affordableMs = Math.max(0, Math.floor(giveUpAt - Date.now()));
      const { grant, sentAtMs, limits: applied } = await reserve(context, queue, workflowId, affordableMs, lane);
      this.noteLimits(context, workflowId, applied);
      if (!grant.granted) throw bookedTooFarAhead(workflowId, applied, grant, affordableMs);
      await sleepWithHeartbeats(context, grant.waitMs);
      // The budget's slot is no earlier than when the update left (plus the wait): lateness measured
      // from there is an upper bound, on this worker's clock alone.
      const lateMs = Date.now() - sentAtMs - grant.waitMs;
      queue.observeLateness(lateMs);
      if (lateMs <= grant.lateMs) return;
      context.log.warn(
        "MediaConnect request token forfeited: this worker could not send the call before the token's deadline; asking again",
        { budgetWorkflowId: workflowId, lateMs: Math.round(lateMs), allowedLateMs: Math.round(grant.lateMs) },
      );
      if (forfeits + 1 >= MAX_FORFEITS) throw tooBusyToSend(lateMs, grant);
    }
  }

  async reportThrottled(region: string, retryAfterMs?: number): Promise<void> {
    try {
      const context = Context.current();
      const { workflowId } = this.locate(context, region);
      await context.client.workflow
        .getHandle(workflowId)
        .signal(RequestBudgetNames.throttledSignal, { retryAfterMs: boundedRetryAfterMs(retryAfterMs) });
    } catch {
      // Only a hint: the 429 is retried either way.
    }
  }

  /** Where the region's budget runs and its id, for the activity asking. */
  private locate(context: Context, region: string): { workflowId: string; taskQueue: string } {
    if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
      throw invalidInput(
        `request budget: region must be an AWS region name such as us-east-1, got ${JSON.stringify(region)}`,
      );
    }
    const taskQueue = this.options.taskQueue ?? context.info.taskQueue;
    return {
      taskQueue,
      workflowId: this.options.budgetId
        ? `${this.options.budgetId}:${region}`
        : requestBudgetWorkflowId(taskQueue, region),
    };
  }

  private queueFor(workflowId: string, client: Client, taskQueue: string): ReservationQueue {
    let queue = this.queues.get(workflowId);
    if (!queue) {
      queue = new ReservationQueue(
        this.options.writesHeld ?? WRITES_HELD,
        (request) => this.sendReservation(client, workflowId, taskQueue, request),
        (requests, roundTripMs) =>
          this.options.onReservation?.({ budgetWorkflowId: workflowId, requests, roundTripMs }),
      );
      this.queues.set(workflowId, queue);
    }
    return queue;
  }

  /** One `reserveRequests` update, with update-with-start: the first request starts the budget, with this worker's limits. */
  private sendReservation(
    client: Client,
    workflowId: string,
    taskQueue: string,
    request: RequestTokensRequest,
  ): Promise<RequestTokensAnswer> {
    const { limits } = this;
    return client.withAbortSignal(AbortSignal.timeout(RESERVE_TIMEOUT_MS), () =>
      client.workflow.executeUpdateWithStart<
        (input: { limits: RequestBudgetLimits }) => Promise<unknown>,
        RequestTokensAnswer,
        [RequestTokensRequest]
      >(RequestBudgetNames.reserveUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation(RequestBudgetNames.workflowType, {
          workflowId,
          taskQueue,
          args: [{ limits }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          priority: { priorityKey: BUDGET_PRIORITY_KEY },
          staticSummary: `MediaConnect request budget: ${limits.requestsPerSecond}/s, burst ${limits.burst}`,
        }),
      }),
    );
  }

  /** The budget runs on other limits than this worker's: say so once per budget, and follow the budget. */
  private noteLimits(context: Context, workflowId: string, applied: RequestBudgetLimits): void {
    const { limits } = this;
    if (
      this.mismatchLogged.has(workflowId) ||
      (applied.requestsPerSecond === limits.requestsPerSecond && applied.burst === limits.burst)
    )
      return;
    this.mismatchLogged.add(workflowId);
    context.log.warn(
      'This worker is configured with other MediaConnect request limits than the budget it shares; the budget keeps its own (change them with the setRequestBudgetLimits update)',
      {
        budgetWorkflowId: workflowId,
        budgetLimits: applied,
        workerLimits: limits,
      },
    );
  }
}

/** A reservation from `queue`, or the activity's cancellation, or a retryable failure saying the budget is unreachable. */
async function reserve(
  context: Context,
  queue: ReservationQueue,
  workflowId: string,
  affordableMs: number,
  lane: RequestLane,
): Promise<Reserved> {
  // A deferred write may wait here for seconds: heartbeat meanwhile, as through the rest of the wait.
  const heartbeats = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await Promise.race([queue.request(affordableMs, lane, context.cancellationSignal), context.cancelled]);
  } catch (err) {
    // Cancelled: end with the activity's own cancellation (whichever of the two promises lost the race).
    if (context.cancellationSignal.aborted) await context.cancelled;
    if (err instanceof WriteQueuedLater) throw writeQueued(workflowId, err);
    throw ApplicationFailure.create({
      type: FailureType.RequestBudgetUnavailable,
      message: `Could not reserve a MediaConnect request from the budget workflow ${workflowId} (${updateError(err).message}); no MediaConnect call was made`,
    });
  } finally {
    clearInterval(heartbeats);
  }
}

function bookedTooFarAhead(
  workflowId: string,
  applied: RequestBudgetLimits,
  grant: RequestTokenGrant,
  affordableMs: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.RequestBudgetExhausted,
    message: `The MediaConnect request budget ${workflowId} (${applied.requestsPerSecond}/s, burst ${applied.burst}) is booked ${(grant.waitMs / 1000).toFixed(1)} s ahead, longer than this attempt can wait (${(affordableMs / 1000).toFixed(1)} s); no MediaConnect call was made, the attempt is retried when the wait fits`,
    nextRetryDelay: Math.max(1_000, Math.ceil(grant.waitMs - affordableMs)),
  });
}

function writeQueued(workflowId: string, { writesHeld, retryInMs }: WriteQueuedLater): ApplicationFailure {
  const failure = ApplicationFailure.create({
    type: FailureType.RequestBudgetWriteQueued,
    message: `${writesHeld} writes of this worker already wait for their turn in the request budget ${workflowId}; this one gave up its activity slot and comes back in ${(retryInMs / 1000).toFixed(1)} s; no MediaConnect call was made`,
    nextRetryDelay: retryInMs,
    // Expected at every big fleet: the worker logs it at DEBUG, not as a failed activity.
    category: ApplicationFailureCategory.BENIGN,
  });
  // The retried attempt's history event carries this failure: its message says all, a stack trace would only add bytes.
  failure.stack = '';
  return failure;
}

/** A write this worker does not keep waiting: its attempt should come back in `retryInMs`. */
class WriteQueuedLater extends Error {
  constructor(
    readonly writesHeld: number,
    readonly retryInMs: number,
  ) {
    super(`write queued: retry in ${retryInMs} ms`);
  }
}

function tooBusyToSend(lateMs: number, grant: RequestTokenGrant): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.RequestBudgetUnavailable,
    message: `This worker could not send a MediaConnect call within its request token's window ${MAX_FORFEITS} times (last ${Math.round(lateMs)} ms late, ${Math.round(grant.lateMs)} ms allowed): it is too busy; no MediaConnect call was made`,
  });
}

interface Reserved {
  grant: RequestTokenGrant;
  /** When the update carrying this request left the worker (Date.now()). */
  sentAtMs: number;
  /** The limits the budget applies. */
  limits: RequestBudgetLimits;
}

interface PendingRequest {
  lane: RequestLane;
  /** When the activity can wait no longer (Date.now()). */
  giveUpAtMs: number;
  /** Part of the update in flight. */
  sent: boolean;
  resolve(reserved: Reserved): void;
  reject(err: unknown): void;
}

/**
 * One worker's requests to one budget: whatever arrives while an update is in flight goes out
 * together in the next, so a worker never has more than one update in flight per budget. Reads
 * go out before writes; writes the budget defers wait here, in order, until it said to ask
 * again (a read arriving meanwhile goes out at once). It also tracks how late this worker's
 * calls go out after their slots (the update's round trip, a busy event loop) and asks the
 * budget for that much allowance, so a slow worker does not forfeit every token it takes from a
 * full bucket.
 */
class ReservationQueue {
  private pending: PendingRequest[] = [];
  private sending = false;
  /** The slowest recent lateness, ms, decaying by 5% a sample. */
  private slowestMs = 0;
  /** No write is asked for before then (Date.now()): the budget's last deferral, for the writes it deferred and those after them. */
  private writesNotBeforeMs = 0;
  /** Ends the wait for a deferred write early: a read arrived. */
  private wake: (() => void) | undefined;
  /** The budget's limits, as its last answer gave them. */
  private limits = DEFAULT_REQUEST_BUDGET;
  /** When the last write sent away ({@link WRITES_HELD}) should come back (Date.now()): the next one comes an interval later. */
  private writesSentAwayUntilMs = 0;

  constructor(
    private readonly writesHeld: number,
    private readonly send: (request: RequestTokensRequest) => Promise<RequestTokensAnswer>,
    private readonly observe: (requests: number, roundTripMs: number) => void,
  ) {}

  /** A token for one request, unless `cancelled` first (then it is not asked for, if it has not been yet). */
  request(maxWaitMs: number, lane: RequestLane, cancelled: AbortSignal): Promise<Reserved> {
    if (lane === 'write' && this.pending.filter((p) => p.lane === 'write').length >= this.writesHeld)
      return Promise.reject(new WriteQueuedLater(this.writesHeld, this.comeBackInMs()));
    return new Promise((resolve, reject) => {
      const request: PendingRequest = { lane, giveUpAtMs: Date.now() + maxWaitMs, sent: false, resolve, reject };
      this.pending.push(request);
      cancelled.addEventListener(
        'abort',
        () => {
          if (request.sent) return;
          this.pending = this.pending.filter((p) => p !== request);
          reject(new Error('The activity was cancelled before its request token was asked for'));
        },
        { once: true },
      );
      if (lane === 'read') this.wake?.();
      void this.drain();
    });
  }

  observeLateness(ms: number): void {
    this.slowestMs = Math.max(ms, this.slowestMs * 0.95);
  }

  /**
   * When a write sent away should come back: once half the writes held here should have gone, and
   * after every write sent away before it, one budget interval apart (so that they do not all come
   * back at once). Other workers' writes can only make its turn later: it may be sent away again.
   */
  private comeBackInMs(): number {
    const now = Date.now();
    const intervalMs = 1000 / this.limits.requestsPerSecond;
    this.writesSentAwayUntilMs =
      Math.max(this.writesSentAwayUntilMs, now + (this.writesHeld / 2) * intervalMs) + intervalMs;
    return Math.max(1_000, Math.ceil(this.writesSentAwayUntilMs - now));
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.nextBatch();
        if (batch.length === 0) await this.waitForDeferredWrites();
        else await this.reserve(batch);
      }
    } finally {
      this.sending = false;
    }
  }

  /** The requests the next update asks for: the reads waiting, or else the writes that may ask now; oldest first. */
  private nextBatch(): PendingRequest[] {
    const reads = this.pending.filter((p) => p.lane === 'read');
    if (reads.length > 0) return reads.slice(0, MAX_TOKENS_PER_UPDATE);
    if (Date.now() < this.writesNotBeforeMs) return [];
    return this.pending.slice(0, Math.min(this.limits.burst, MAX_TOKENS_PER_UPDATE));
  }

  private async waitForDeferredWrites(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, this.writesNotBeforeMs - Date.now()));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async reserve(batch: PendingRequest[]): Promise<void> {
    const { lane } = batch[0];
    for (const p of batch) p.sent = true;
    const sentAtMs = Date.now();
    try {
      const arrivalAllowanceMs = Math.min(MAX_ARRIVAL_ALLOWANCE_MS, Math.ceil(this.slowestMs * 1.5));
      const maxWaitsMs = batch.map((p) => Math.max(0, Math.floor(p.giveUpAtMs - sentAtMs)));
      const answer = await this.send({ maxWaitsMs, arrivalAllowanceMs, ...(lane === 'write' && { lane }) });
      const { grants, limits, askAgainInMs } = answer;
      const roundTripMs = Date.now() - sentAtMs;
      this.observeLateness(roundTripMs);
      this.limits = limits;
      grants.forEach((grant, i) => batch[i].resolve({ grant, sentAtMs, limits }));
      const answered = new Set(batch.slice(0, grants.length));
      this.pending = this.pending.filter((p) => !answered.has(p));
      if (askAgainInMs !== undefined) this.writesNotBeforeMs = sentAtMs + askAgainInMs;
      this.observe(grants.length, roundTripMs);
    } catch (err) {
      const failed = new Set(batch);
      this.pending = this.pending.filter((p) => !failed.has(p));
      for (const p of batch) p.reject(err);
    } finally {
      for (const p of batch) p.sent = false;
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
