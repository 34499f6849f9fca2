import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { detailsMarkdown } from '../common/details-markdown';
import { invalidInput } from '../common/failure-types';
import {
  afterThrottle,
  checkRequestBudgetLimits,
  boundedRetryAfterMs,
  FULL_BUCKET,
  MAX_ARRIVAL_ALLOWANCE_MS,
  MAX_TOKENS_PER_UPDATE,
  RequestBudgetNames,
  reserve,
  reserveWrite,
  tokensAvailable,
  waitFor,
  writeDeferral,
  type RequestBudgetLimits,
  type RequestBudgetState,
  type RequestLane,
  type RequestTokenGrant,
  type RequestTokensAnswer,
  type RequestTokensRequest,
} from '../common/request-budget-math';

/** Input of {@link mediaConnectRequestBudget}. */
export interface RequestBudgetInput {
  /**
   * The account's quota. Only the start input and {@link setRequestBudgetLimitsUpdate} set it;
   * workers' reservations never change it. @default 5 requests/s, burst 30
   */
  limits?: Partial<RequestBudgetLimits>;
  /**
   * Updates per run before the budget continues as new (each adds about 2 events; the server
   * allows 2,000 per run). @default {@link UPDATES_PER_RUN}
   */
  updatesPerRun?: number;
  /** Set by the budget itself when it continues as new. */
  carried?: { state: RequestBudgetState; granted: number; refused: number; throttled: number; deferred?: number };
}

/** What the budget reports, for the `requestBudget` query and the Web UI. */
export interface RequestBudgetProgress {
  limits: RequestBudgetLimits;
  /** Tokens in the bucket now (fractional). */
  tokensAvailable: number;
  /** How far ahead the budget is booked: the wait a request asking now would get, ms. */
  bookedAheadMs: number;
  /** Tokens handed out, over every run. */
  granted: number;
  /** Requests refused because they could not wait long enough (their activity attempt is retried later). */
  refused: number;
  /** Writes told to ask again later because the budget was booked past the write horizon (reads went first). */
  deferred: number;
  /** 429s callers reported despite the budget (someone else spends the account's quota). */
  throttled: number;
}

/** Update: tokens for a worker's pending requests, one grant per entry of `maxWaitsMs`, in order, and the budget's limits. */
export const reserveRequestsUpdate = defineUpdate<RequestTokensAnswer, [RequestTokensRequest]>(
  RequestBudgetNames.reserveUpdate,
);
/**
 * Update: new limits for the budget (the account's quota was raised), from now on and across
 * continue-as-new. Returns the limits applied. Refused (InvalidInput) when out of bounds.
 */
export const setRequestBudgetLimitsUpdate = defineUpdate<RequestBudgetLimits, [Partial<RequestBudgetLimits>]>(
  RequestBudgetNames.setLimitsUpdate,
);
/** Signal: MediaConnect answered 429 anyway; the budget treats the bucket as empty for `retryAfterMs` (at most `MAX_RETRY_AFTER_MS`; absurd values count as none). */
export const requestThrottledSignal = defineSignal<[{ retryAfterMs?: number }]>(RequestBudgetNames.throttledSignal);
/** Query: the budget's state. */
export const requestBudgetQuery = defineQuery<RequestBudgetProgress>(RequestBudgetNames.query);

/** Updates per run: about 2 events each, far below the server's 2,000 updates per run. */
export const UPDATES_PER_RUN = 500;
/** A budget that handed out nothing for this long, with its bucket full again, completes (the next request starts a new one). */
export const IDLE_BUDGET_MS = 60 * 60_000;

/**
 * The MediaConnect request budget of one account and region: a durable token bucket that every
 * MediaConnect activity asks before it calls. Each worker gathers its activities' requests into
 * one `reserveRequests` update at a time (sent with update-with-start, so the first request
 * starts the budget). Unlike the task queue's activity rate limit, it hands out the account's
 * burst (30 requests at once after a quiet period) as well as its rate, and it learns from the
 * 429s callers report.
 *
 * One workflow per budget id (`requestBudgetWorkflowId(taskQueue, region)` unless the worker
 * names another); it continues as new every {@link UPDATES_PER_RUN} updates, carrying its state,
 * and completes after {@link IDLE_BUDGET_MS} without requests.
 */
export async function mediaConnectRequestBudget(input: RequestBudgetInput = {}): Promise<RequestBudgetProgress> {
  const budget = new TokenBucket(checkRequestBudgetLimits(input.limits, 'mediaConnectRequestBudget'), input.carried);
  const updatesPerRun = checkedUpdatesPerRun(input.updatesPerRun);
  handleBudgetRequests(budget);
  budget.showProgress();
  for (;;) {
    if (await condition(() => budget.runFull(updatesPerRun), budget.idleTimeoutMs())) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof mediaConnectRequestBudget>({
        limits: budget.limits,
        updatesPerRun,
        carried: budget.carried(),
      });
    }
    budget.showProgress();
    if (budget.idle()) return budget.progress();
  }
}

function checkedUpdatesPerRun(updatesPerRun = UPDATES_PER_RUN): number {
  if (!Number.isInteger(updatesPerRun) || updatesPerRun < 1 || updatesPerRun > 1_000) {
    throw invalidInput(
      `mediaConnectRequestBudget: updatesPerRun must be a whole number from 1 to 1000, got ${JSON.stringify(updatesPerRun)}`,
    );
  }
  return updatesPerRun;
}

/** The budget's state in one run: the bucket, its limits and its counts (carried across continue-as-new). */
class TokenBucket {
  private state: RequestBudgetState;
  private granted: number;
  private refused: number;
  private throttled: number;
  private deferred: number;
  private updatesThisRun = 0;
  private lastRequestMs = Date.now();

  constructor(
    public limits: RequestBudgetLimits,
    carried: RequestBudgetInput['carried'],
  ) {
    this.state = carried?.state ?? FULL_BUCKET;
    this.granted = carried?.granted ?? 0;
    this.refused = carried?.refused ?? 0;
    this.throttled = carried?.throttled ?? 0;
    this.deferred = carried?.deferred ?? 0;
  }

  progress(): RequestBudgetProgress {
    const { limits, state, granted, refused, throttled, deferred } = this;
    return {
      limits,
      tokensAvailable: tokensAvailable(state, limits, Date.now()),
      bookedAheadMs: waitFor(state, limits, Date.now()),
      granted,
      refused,
      deferred,
      throttled,
    };
  }

  showProgress(): void {
    const p = this.progress();
    setCurrentDetails(
      detailsMarkdown(
        `**MediaConnect request budget**: ${this.limits.requestsPerSecond}/s, burst ${this.limits.burst}`,
        [
          `booked ahead: ${(p.bookedAheadMs / 1000).toFixed(1)} s`,
          `tokens handed out: ${p.granted}`,
          `requests refused (could not wait that long; retried later): ${p.refused}`,
          `writes deferred (reads went first; asked again): ${p.deferred}`,
          `429s reported despite the budget: ${p.throttled}`,
        ],
      ),
    );
  }

  /**
   * One grant per wait, in order: a token when the wait fits, a refusal (nothing reserved)
   * otherwise. Writes stop at the first one the budget defers: it and the rest ask again later.
   */
  reserveRequests({ maxWaitsMs, arrivalAllowanceMs, lane = 'read' }: RequestTokensRequest): RequestTokensAnswer {
    const now = Date.now();
    const grants: RequestTokenGrant[] = [];
    let askAgainInMs: number | undefined;
    for (const maxWaitMs of maxWaitsMs) {
      const deferral = lane === 'write' ? writeDeferral(this.state, this.limits, now) : undefined;
      // A write that cannot wait until it may ask again is refused below, like any request that cannot wait.
      if (deferral && deferral.askAgainInMs < maxWaitMs) {
        askAgainInMs = deferral.askAgainInMs;
        this.deferred += maxWaitsMs.length - grants.length;
        break;
      }
      grants.push(this.grant(maxWaitMs, now, lane, arrivalAllowanceMs));
    }
    this.updatesThisRun += 1;
    this.lastRequestMs = now;
    this.showProgress();
    return { grants, limits: this.limits, ...(askAgainInMs !== undefined && { askAgainInMs }) };
  }

  private grant(
    maxWaitMs: number,
    now: number,
    lane: RequestLane,
    arrivalAllowanceMs: number | undefined,
  ): RequestTokenGrant {
    const waitMs = waitFor(this.state, this.limits, now);
    if (waitMs > maxWaitMs) {
      this.refused += 1;
      return { granted: false, waitMs, lateMs: 0 };
    }
    const reservation = (lane === 'write' ? reserveWrite : reserve)(this.state, this.limits, now, arrivalAllowanceMs);
    this.state = reservation.state;
    this.granted += 1;
    return { granted: true, waitMs, lateMs: reservation.lateMs };
  }

  setLimits(asked: Partial<RequestBudgetLimits>): RequestBudgetLimits {
    this.limits = checkRequestBudgetLimits(asked, 'setRequestBudgetLimits');
    this.showProgress();
    return this.limits;
  }

  noteThrottled(retryAfterMs: number | undefined): void {
    // Bounded here as well as by the activity: a signal from any client must not wedge the budget.
    this.state = afterThrottle(this.state, this.limits, Date.now(), boundedRetryAfterMs(retryAfterMs));
    this.throttled += 1;
    this.showProgress();
  }

  runFull(updatesPerRun: number): boolean {
    return this.updatesThisRun >= updatesPerRun || workflowInfo().continueAsNewSuggested;
  }

  /** How long the run waits for requests before it checks whether the budget is idle. */
  idleTimeoutMs(): number {
    return Math.max(1_000, IDLE_BUDGET_MS - (Date.now() - this.lastRequestMs));
  }

  idle(): boolean {
    return (
      Date.now() - this.lastRequestMs >= IDLE_BUDGET_MS &&
      tokensAvailable(this.state, this.limits, Date.now()) >= this.limits.burst
    );
  }

  carried(): NonNullable<RequestBudgetInput['carried']> {
    const { state, granted, refused, throttled, deferred } = this;
    return { state, granted, refused, throttled, deferred };
  }
}

/** The budget's query, updates and signal. */
function handleBudgetRequests(budget: TokenBucket): void {
  setHandler(requestBudgetQuery, () => budget.progress());
  setHandler(reserveRequestsUpdate, (request) => budget.reserveRequests(request), {
    // Malformed requests are refused before they are accepted: they leave no trace in the history.
    validator: checkReserveRequest,
  });
  setHandler(setRequestBudgetLimitsUpdate, (asked) => budget.setLimits(asked), {
    validator: (asked) => void checkRequestBudgetLimits(asked, 'setRequestBudgetLimits'),
  });
  setHandler(requestThrottledSignal, ({ retryAfterMs } = {}) => budget.noteThrottled(retryAfterMs));
}

function checkReserveRequest({ maxWaitsMs, arrivalAllowanceMs, lane }: RequestTokensRequest): void {
  if (lane !== undefined && lane !== 'read' && lane !== 'write') {
    throw invalidInput(`reserveRequests: lane must be 'read' or 'write', got ${JSON.stringify(lane)}`);
  }
  if (
    !Array.isArray(maxWaitsMs) ||
    maxWaitsMs.length === 0 ||
    maxWaitsMs.length > MAX_TOKENS_PER_UPDATE ||
    !maxWaitsMs.every((ms) => typeof ms === 'number' && ms >= 0)
  ) {
    throw invalidInput(`reserveRequests: maxWaitsMs must list 1 to ${MAX_TOKENS_PER_UPDATE} waits of 0 ms or more`);
  }
  if (
    arrivalAllowanceMs !== undefined &&
    !(
      typeof arrivalAllowanceMs === 'number' &&
      arrivalAllowanceMs >= 0 &&
      arrivalAllowanceMs <= MAX_ARRIVAL_ALLOWANCE_MS
    )
  ) {
    throw invalidInput(
      `reserveRequests: arrivalAllowanceMs must be a number of ms from 0 to ${MAX_ARRIVAL_ALLOWANCE_MS}, got ${JSON.stringify(arrivalAllowanceMs)}`,
    );
  }
}
