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
}

export const FULL_BUCKET: RequestBudgetState = { nextDueMs: 0 };

/** The budget workflow's type and messages, by name: activities reach it without importing workflow code. */
export const RequestBudgetNames = {
  workflowType: 'mediaConnectRequestBudget',
  reserveUpdate: 'reserveRequests',
  throttledSignal: 'requestThrottled',
  query: 'requestBudget',
} as const;

/** The budget of a task queue and region, unless the worker names another. */
export function requestBudgetWorkflowId(taskQueue: string, region: string): string {
  return `mediaconnect-request-budget:${taskQueue}:${region}`;
}

/** What a worker asks the budget for: tokens for the requests its activities are about to send, in one update. */
export interface RequestTokensRequest {
  /** The limits the worker was configured with; they replace the budget's, so a changed setting takes effect at once. */
  limits?: Partial<RequestBudgetLimits>;
  /**
   * One entry per request: the longest wait it can afford, ms. A request whose wait would be
   * longer is refused and reserves nothing.
   */
  maxWaitsMs: number[];
}

/** The budget's answer for one request, in the order asked. */
export interface RequestTokenGrant {
  /** False: refused, nothing reserved; `waitMs` is the wait it would have had. */
  granted: boolean;
  /** Granted: how long to wait before sending, ms, counted from when the answer arrives. */
  waitMs: number;
}

/** Most requests in one update: a bound on the update's size, far above what one worker has in flight. */
export const MAX_TOKENS_PER_UPDATE = 1_000;

/** Checks limits once, at the edge. @throws ApplicationFailure `InvalidInput` naming the field. */
export function checkRequestBudgetLimits(limits: Partial<RequestBudgetLimits> | undefined, where: string): RequestBudgetLimits {
  const { requestsPerSecond = DEFAULT_REQUEST_BUDGET.requestsPerSecond, burst = DEFAULT_REQUEST_BUDGET.burst } = limits ?? {};
  if (typeof requestsPerSecond !== 'number' || !(requestsPerSecond > 0) || requestsPerSecond > REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond) {
    throw invalidInput(`${where}: requestsPerSecond must be a number above 0 and at most ${REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond}, got ${JSON.stringify(requestsPerSecond)}`);
  }
  if (!Number.isInteger(burst) || burst < 1 || burst > REQUEST_BUDGET_BOUNDS.maxBurst) {
    throw invalidInput(`${where}: burst must be a whole number from 1 to ${REQUEST_BUDGET_BOUNDS.maxBurst}, got ${JSON.stringify(burst)}`);
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
 * How late after its reservation a request may reach MediaConnect (the answer's way back to the
 * activity, then the call's way out). While the bucket is full its refill is lost, so a token
 * taken from a full bucket is counted as taken this much later: at 5/s the burst shrinks by about
 * one request. Never more than half the burst's worth of time, so a fast budget keeps its burst.
 */
export const ARRIVAL_ALLOWANCE_MS = 250;

const allowanceMs = (limits: RequestBudgetLimits) => Math.min(ARRIVAL_ALLOWANCE_MS, toleranceMs(limits) / 2);

/** Reserves one request's token: how long to wait before sending it, and the state after. */
export function reserve(state: RequestBudgetState, limits: RequestBudgetLimits, nowMs: number): { waitMs: number; state: RequestBudgetState } {
  return { waitMs: waitFor(state, limits, nowMs), state: { nextDueMs: Math.max(state.nextDueMs, nowMs + allowanceMs(limits)) + intervalMs(limits) } };
}

/**
 * MediaConnect answered 429 although the budget allowed the request (someone else spends the same
 * account's quota): treat the bucket as empty until `retryAfterMs` from now (one interval when the
 * answer gave no Retry-After), so the reservations that follow leave it time to refill.
 */
export function afterThrottle(state: RequestBudgetState, limits: RequestBudgetLimits, nowMs: number, retryAfterMs?: number): RequestBudgetState {
  const emptyUntilMs = nowMs + Math.max(retryAfterMs ?? 0, intervalMs(limits));
  return { nextDueMs: Math.max(state.nextDueMs, emptyUntilMs + toleranceMs(limits)) };
}

/** Tokens in the bucket at `nowMs` (fractional), for progress displays. */
export function tokensAvailable(state: RequestBudgetState, limits: RequestBudgetLimits, nowMs: number): number {
  const owedMs = Math.max(0, state.nextDueMs - nowMs);
  return Math.max(0, limits.burst - owedMs / intervalMs(limits));
}
