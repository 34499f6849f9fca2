/**
 * The account's MediaConnect request budget as a token bucket, in the form that hands out
 * reservations: the generic cell rate algorithm (GCRA). Its whole state is one number, the
 * "theoretical arrival time" of the next request; a reservation says how long its caller must
 * wait before sending, and never fails.
 *
 * Pure and deterministic: the budget workflow runs it on workflow time, tests on any clock.
 */
import { invalidInput } from './failure-types';

/** The request budget of one account and region: a bucket of `burst` tokens refilled at `requestsPerSecond`. */
export interface RequestBudgetLimits {
  /** Sustained requests per second. @default 5 (MediaConnect's documented account quota) */
  requestsPerSecond: number;
  /** Requests that may be sent at once after a quiet period (the bucket's size). @default 30 */
  burst: number;
}

/** MediaConnect's documented account-wide quota: 5 requests/s with a burst of 30. */
export const DEFAULT_REQUEST_BUDGET: RequestBudgetLimits = { requestsPerSecond: 5, burst: 30 };

/** Bounds that keep a misconfiguration from looking like a working budget. */
export const REQUEST_BUDGET_BOUNDS = { maxRequestsPerSecond: 10_000, maxBurst: 100_000 } as const;

/** The budget's state: when the next request would be due if requests came exactly at the rate. */
export interface RequestBudgetState {
  /** Theoretical arrival time of the next request, ms since the epoch. 0: the bucket is full. */
  nextDueMs: number;
  /** When the budget last granted a write (ms since the epoch): the write lane's share is counted from it. */
  lastWriteMs?: number;
}

export const FULL_BUCKET: RequestBudgetState = { nextDueMs: 0 };

/** The budget workflow's type and messages, by name: activities reach it without importing workflow code. */
export const RequestBudgetNames = {
  workflowType: 'mediaConnectRequestBudget',
  reserveUpdate: 'reserveRequests',
  setLimitsUpdate: 'setRequestBudgetLimits',
  throttledSignal: 'requestThrottled',
  query: 'requestBudget',
} as const;

/**
 * The budget of a task queue and region, unless the worker names one (then `<budgetId>:<region>`):
 * one budget per account and region, as MediaConnect's quota is.
 */
export function requestBudgetWorkflowId(taskQueue: string, region: string): string {
  return `mediaconnect-request-budget:${taskQueue}:${region}`;
}

/**
 * The budget's two lanes. Reads (DescribeFlow, ListFlows) tell a waiting workflow that its flows
 * are ready; writes (StartFlow, StopFlow) start work that takes a MediaConnect flow tens of
 * seconds anyway. A fleet of 1000 flows has 1000 StartFlows to send: booked in order, they would
 * hold every read back by the 20 s or more they are booked ahead, and a flow that turned ACTIVE
 * meanwhile would wait that long to be noticed. So writes are booked just in time: only while
 * the budget is booked no further than {@link WRITE_HORIZON_MS} ahead; otherwise they are
 * deferred (nothing reserved, ask again later), and a read asking meanwhile goes next. Reads
 * never take the whole rate from writes: while writes are deferred, one of them is booked
 * regardless every {@link WRITE_SHARE} of the rate.
 */
export type RequestLane = 'read' | 'write';

/**
 * How far ahead the budget may be booked when it grants a write: the longest a read waits behind
 * writes. Longer than a worker's round trip to ask again (tens of ms), so the writes keep the
 * rate busy while they go out just in time.
 */
export const WRITE_HORIZON_MS = 250;
/** The share of the rate writes keep while reads alone book the budget past the horizon: one write in five at 5/s. */
export const WRITE_SHARE = 0.2;
/** The least time a deferred write waits before it asks again, ms: a bound on the asks a worker sends. */
export const MIN_ASK_AGAIN_MS = 100;

/** What a worker asks the budget for: tokens for the requests its activities are about to send, in one update. */
export interface RequestTokensRequest {
  /** The lane of every request in this update. @default 'read' (booked at once, in order: what a worker of an earlier version asks) */
  lane?: RequestLane;
  /**
   * One entry per request: the longest wait it can afford, ms. A request whose wait would be
   * longer is refused and reserves nothing.
   */
  maxWaitsMs: number[];
  /**
   * How late after their slots these requests may reach MediaConnect if they are taken from a full
   * bucket, as the worker has measured its calls' lateness; ms, at most {@link MAX_ARRIVAL_ALLOWANCE_MS}.
   * The budget gives at least its default ({@link ARRIVAL_ALLOWANCE_MS}) and at most half the burst's worth of time.
   */
  arrivalAllowanceMs?: number;
}

/** The budget's answer to one `reserveRequests` update. */
export interface RequestTokensAnswer {
  /**
   * One grant per request, in the order asked; for writes, possibly fewer: the requests after the
   * last grant are deferred (see `askAgainInMs`).
   */
  grants: RequestTokenGrant[];
  /**
   * Writes only: the requests past `grants` are deferred (the budget is booked past
   * {@link WRITE_HORIZON_MS}); nothing is reserved for them, and they should ask again in this many ms.
   */
  askAgainInMs?: number;
  /** The limits the budget applies (set by its start input or `setRequestBudgetLimits`, never by a reservation). */
  limits: RequestBudgetLimits;
}

/** The budget's answer for one request. */
export interface RequestTokenGrant {
  /** False: refused, nothing reserved; `waitMs` is the wait it would have had. */
  granted: boolean;
  /** Granted: how long to wait before sending, ms, counted from when the answer arrives. */
  waitMs: number;
  /**
   * Granted: how much later than `waitMs` after the reservation the request may still be sent,
   * ms. Later, the token is forfeited: the activity does not call, it asks again.
   */
  lateMs: number;
}

/** Most requests in one update: a bound on the update's size, far above what one worker has in flight. */
export const MAX_TOKENS_PER_UPDATE = 1_000;

/** Checks limits once, at the edge. @throws ApplicationFailure `InvalidInput` naming the field. */
export function checkRequestBudgetLimits(
  limits: Partial<RequestBudgetLimits> | undefined,
  where: string,
): RequestBudgetLimits {
  const { requestsPerSecond = DEFAULT_REQUEST_BUDGET.requestsPerSecond, burst = DEFAULT_REQUEST_BUDGET.burst } =
    limits ?? {};
  if (
    typeof requestsPerSecond !== 'number' ||
    !(requestsPerSecond > 0) ||
    requestsPerSecond > REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond
  ) {
    throw invalidInput(
      `${where}: requestsPerSecond must be a number above 0 and at most ${REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond}, got ${JSON.stringify(requestsPerSecond)}`,
    );
  }
  if (!Number.isInteger(burst) || burst < 1 || burst > REQUEST_BUDGET_BOUNDS.maxBurst) {
    throw invalidInput(
      `${where}: burst must be a whole number from 1 to ${REQUEST_BUDGET_BOUNDS.maxBurst}, got ${JSON.stringify(burst)}`,
    );
  }
  return { requestsPerSecond, burst };
}

const intervalMs = (limits: RequestBudgetLimits) => 1000 / limits.requestsPerSecond;
/** How far ahead of the rate a request may go: the bucket's size less the request itself. */
const toleranceMs = (limits: RequestBudgetLimits) => (limits.burst - 1) * intervalMs(limits);

/** How long a request arriving at `nowMs` must wait for its token (0: send now). */
export function waitFor(state: RequestBudgetState, limits: RequestBudgetLimits, nowMs: number): number {
  return Math.max(0, state.nextDueMs - toleranceMs(limits) - nowMs);
}

/**
 * How late after its slot a request may reach MediaConnect by default (the answer's way back to
 * the activity, then the call's way out). While the bucket is full its refill is lost, so a token
 * taken from a full bucket is counted as taken this much later: at 5/s the burst shrinks by about
 * one request. Never more than half the burst's worth of time (or half an interval, for a bucket
 * of one), so a fast budget keeps its burst.
 */
export const ARRIVAL_ALLOWANCE_MS = 250;
/** The most allowance a worker may ask for (`arrivalAllowanceMs`), ms. */
export const MAX_ARRIVAL_ALLOWANCE_MS = 5_000;

/** Every token's least allowance: a bucket of one still tolerates a little lateness (at some cost in rate). */
const defaultAllowanceMs = (limits: RequestBudgetLimits) =>
  Math.min(ARRIVAL_ALLOWANCE_MS, Math.max(toleranceMs(limits), intervalMs(limits)) / 2);

/**
 * The allowance of a token taken from a (nearly) full bucket: the default, or more when the worker
 * asks for it (it has seen its calls go out later than that), up to half the burst's worth of
 * time: each millisecond of it costs the burst a millisecond of refill.
 */
const fullBucketAllowanceMs = (limits: RequestBudgetLimits, askedMs = 0) =>
  Math.max(defaultAllowanceMs(limits), Math.min(askedMs, MAX_ARRIVAL_ALLOWANCE_MS, toleranceMs(limits) / 2));

/** One reservation: when to send, and how late the send may be. */
export interface Reservation {
  /** How long to wait before sending, ms from the reservation. */
  waitMs: number;
  /**
   * How long after its slot (the reservation's time plus `waitMs`) the request may still reach
   * MediaConnect without overspending the bucket, ms. A request that would arrive later must not
   * be sent: its token is forfeited.
   */
  lateMs: number;
  state: RequestBudgetState;
}

/**
 * Reserves one request's token: how long to wait before sending it, how late it may be, and the
 * state after.
 *
 * Why a deadline: a token bucket only loses what it refills while full. A request that goes out
 * late while the bucket is booked ahead only leaves more tokens for the requests after it; a
 * request taken from a (nearly) full bucket and sent late lets the bucket overflow meanwhile. So
 * a token counts as taken at the latest of the point the bucket was booked to, the reservation
 * plus the full bucket's allowance, and its slot plus the default allowance; it is valid until
 * then: from a booked bucket for up to the burst's worth of time, from a full one for the
 * allowance. Every request that reaches MediaConnect between its slot and its deadline finds a
 * token (checked against a plain token bucket in the tests).
 */
export function reserve(
  state: RequestBudgetState,
  limits: RequestBudgetLimits,
  nowMs: number,
  arrivalAllowanceMs?: number,
): Reservation {
  const waitMs = waitFor(state, limits, nowMs);
  const slotMs = nowMs + waitMs;
  const countedFromMs = Math.max(
    state.nextDueMs,
    nowMs + fullBucketAllowanceMs(limits, arrivalAllowanceMs),
    slotMs + defaultAllowanceMs(limits),
  );
  return {
    waitMs,
    lateMs: countedFromMs - slotMs,
    state: { ...state, nextDueMs: countedFromMs + intervalMs(limits) },
  };
}

/** The budget's answer to a write it cannot book yet: ask again in `askAgainInMs`. */
export interface Deferral {
  askAgainInMs: number;
}

/**
 * Whether a write asked at `nowMs` must be deferred, and for how long: the budget is booked past
 * {@link WRITE_HORIZON_MS} and the write lane has had its share ({@link WRITE_SHARE} of the rate)
 * since its last grant. Undefined: the write is booked now, like a read. It asks again when the
 * budget should be back within the horizon, or when the lane's share is due, whichever is first.
 */
export function writeDeferral(
  state: RequestBudgetState,
  limits: RequestBudgetLimits,
  nowMs: number,
): Deferral | undefined {
  const waitMs = waitFor(state, limits, nowMs);
  if (waitMs <= WRITE_HORIZON_MS) return undefined;
  const shareDueMs = (state.lastWriteMs ?? -Infinity) + intervalMs(limits) / WRITE_SHARE;
  if (shareDueMs <= nowMs) return undefined;
  return { askAgainInMs: Math.max(MIN_ASK_AGAIN_MS, Math.min(waitMs - WRITE_HORIZON_MS, shareDueMs - nowMs)) };
}

/** {@link reserve} for a write: the same reservation, and the write lane's share counted from now. */
export function reserveWrite(
  state: RequestBudgetState,
  limits: RequestBudgetLimits,
  nowMs: number,
  arrivalAllowanceMs?: number,
): Reservation {
  const reservation = reserve(state, limits, nowMs, arrivalAllowanceMs);
  return { ...reservation, state: { ...reservation.state, lastWriteMs: nowMs } };
}

/**
 * The most a 429's `Retry-After` may hold back the request budget (and an activity's retry), ms.
 * A proxy or a misbehaving endpoint may ask for a day; nothing may stop an account's calls for
 * that long. Longer, non-finite and negative values are bounded or ignored.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/** A reported Retry-After as the budget honours it: finite, 0 to {@link MAX_RETRY_AFTER_MS}; anything else counts as none. */
export function boundedRetryAfterMs(retryAfterMs: unknown): number | undefined {
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) return undefined;
  return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
}

/**
 * MediaConnect answered 429 although the budget allowed the request (someone else spends the same
 * account's quota): treat the bucket as empty until `retryAfterMs` from now (one interval when the
 * answer gave no usable Retry-After; at most {@link MAX_RETRY_AFTER_MS}), so the reservations that
 * follow leave it time to refill. A throttle never books the bucket further than that from now:
 * a 429 may slow the budget, it cannot wedge it.
 */
export function afterThrottle(
  state: RequestBudgetState,
  limits: RequestBudgetLimits,
  nowMs: number,
  retryAfterMs?: number,
): RequestBudgetState {
  const emptyUntilMs = nowMs + Math.max(boundedRetryAfterMs(retryAfterMs) ?? 0, intervalMs(limits));
  return { ...state, nextDueMs: Math.max(state.nextDueMs, emptyUntilMs + toleranceMs(limits)) };
}

/** Tokens in the bucket at `nowMs` (fractional), for progress displays. */
export function tokensAvailable(state: RequestBudgetState, limits: RequestBudgetLimits, nowMs: number): number {
  const owedMs = Math.max(0, state.nextDueMs - nowMs);
  return Math.max(0, limits.burst - owedMs / intervalMs(limits));
}
