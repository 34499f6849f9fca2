import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, FailureType } from '../common/failure-types';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { redactCredentials } from '../common/redact';
import { classifyMediaConnectError, type ClassifiedError } from './classify-error';
import { observeBudgetWait, observeCall } from './metrics';
import type { RegionalMediaConnectClients } from './regional-clients';
import type { RequestLane } from '../common/request-budget-math';
import type { RequestBudget } from './request-budget-client';

/** Time an activity keeps, after its wait for the budget, for its call and for reporting the result. */
const REPORT_MARGIN_MS = 1_000;
/** Heartbeat period of an activity, from its start to its end (the activities' heartbeat timeout is 10 s). */
const HEARTBEAT_EVERY_MS = 1_000;

/** What a call to MediaConnect goes through: the clients by region, the request budget, the call timeout. */
export interface MediaConnectCaller {
  clients: RegionalMediaConnectClients;
  requestBudget?: RequestBudget;
  callTimeoutMs: number;
}

/**
 * Sends one command to `region`: first a token from that region's request budget (or the token
 * `reservedToken` already holds), then the call, bounded by `callTimeoutMs` and tied to the
 * activity's cancellation; errors become ApplicationFailures.
 */
export async function callMediaConnect<T>(
  { clients, requestBudget, callTimeoutMs }: MediaConnectCaller,
  operation: string,
  region: string,
  flowArn: string | undefined,
  send: (regionClient: MediaConnectClient, abortSignal: AbortSignal) => Promise<T>,
  reservedToken?: Promise<void>,
): Promise<T> {
  const context = activityContext();
  // Heartbeat from the start: the budget's answer may take as long as the heartbeat timeout.
  context?.heartbeat();
  const heartbeats = context && setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    const regionClient = await clients.forRegion(region);
    if (reservedToken) await reservedToken;
    else if (requestBudget && context)
      await observeBudgetWait(() =>
        requestBudget.acquire(affordableWaitMs(context, callTimeoutMs), region, requestLane(operation)),
      );
    const timeout = AbortSignal.timeout(callTimeoutMs);
    const cancelled = context?.cancellationSignal;
    try {
      return await observeCall(
        operation,
        flowArn,
        cancelled ? AbortSignal.any([cancelled, timeout]) : timeout,
        (abortSignal) => send(regionClient, abortSignal),
      );
    } catch (error) {
      if (cancelled?.aborted) throw error; // cancelled or timed out by Temporal: let the worker report it as such
      if (timeout.aborted) throw noAnswer(operation, flowArn, callTimeoutMs);
      const classified = classifyMediaConnectError(error, Date.now());
      if (requestBudget && classified.throttled) await requestBudget.reportThrottled(region, classified.retryAfterMs);
      throw failureOf(operation, flowArn, classified);
    }
  } finally {
    clearInterval(heartbeats);
  }
}

/** The calls that change a flow: booked just in time in the request budget, so that status reads waiting meanwhile go first. */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['StartFlow', 'StopFlow']);

function requestLane(operation: string): RequestLane {
  return WRITE_OPERATIONS.has(operation) ? 'write' : 'read';
}

/** When each activity attempt made its first call: its start, near enough (the attempt calls at once). */
const attemptStartedAtMs = new WeakMap<Context, number>();

export function activityContext(): Context | undefined {
  try {
    const context = Context.current();
    if (!attemptStartedAtMs.has(context)) attemptStartedAtMs.set(context, Date.now());
    return context;
  } catch {
    return undefined; // called outside an activity (a plain unit test): no budget, nothing to cancel
  }
}

/**
 * The longest wait for the budget this attempt can afford: what its start-to-close (and
 * schedule-to-close) timeout leaves once a call and its report have had their time.
 */
export function affordableWaitMs(context: Context, callTimeoutMs: number): number {
  const { info } = context;
  const now = Date.now();
  const deadlines = [
    info.startToCloseTimeoutMs > 0 ? (attemptStartedAtMs.get(context) ?? now) + info.startToCloseTimeoutMs : Infinity,
    info.scheduleToCloseTimeoutMs > 0 ? info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs : Infinity,
  ];
  return Math.max(0, Math.min(...deadlines) - now - callTimeoutMs - REPORT_MARGIN_MS);
}

/** A call that got no answer within `callTimeoutMs`: retryable, like any network failure. */
function noAnswer(operation: string, flowArn: string | undefined, callTimeoutMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: AwsErrorName.Network,
    message: `${operation}${flowArn ? ` for ${flowArn}` : ''} failed: no answer from MediaConnect within ${callTimeoutMs / 1000} s`,
    details: [{ operation, flowArn, networkCode: 'TimeoutError' }],
  });
}

export function knownStatus(status: string | undefined, flowArn: string): FlowStatus {
  if (isFlowStatus(status)) return status;
  throw ApplicationFailure.create({
    type: FailureType.UnknownFlowStatus,
    message: `MediaConnect reported status "${status}" for ${flowArn}, which this package does not know`,
    nonRetryable: true,
  });
}

/**
 * Wraps a MediaConnect SDK error in the ApplicationFailure Temporal records: `type` is the AWS
 * error name, the message carries the service's message and the flow, and the details carry the
 * HTTP status and request id (never the request, its headers or credentials).
 */
export function toApplicationFailure(
  operation: string,
  flowArn: string | undefined,
  error: unknown,
): ApplicationFailure {
  return failureOf(operation, flowArn, classifyMediaConnectError(error, Date.now()));
}

function failureOf(operation: string, flowArn: string | undefined, classified: ClassifiedError): ApplicationFailure {
  const subject = flowArn ? ` for ${flowArn}` : '';
  const where =
    classified.name === FailureType.MissingCredentials
      ? ' (no request was sent)'
      : classified.httpStatus === undefined
        ? ` (no answer from MediaConnect${classified.networkCode ? `: ${classified.networkCode}` : ''})`
        : ` (HTTP ${classified.httpStatus}${classified.requestId ? `, request id ${classified.requestId}` : ''})`;
  return ApplicationFailure.create({
    type: classified.name,
    message: redactCredentials(`${operation}${subject} failed: ${classified.message}${where}`),
    nonRetryable: !classified.retryable,
    details: [
      {
        operation,
        flowArn,
        httpStatus: classified.httpStatus,
        requestId: classified.requestId,
        networkCode: classified.networkCode,
      },
    ],
    ...(classified.retryAfterMs !== undefined && { nextRetryDelay: classified.retryAfterMs }),
  });
}
