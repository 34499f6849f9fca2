/**
 * The whole retry / no-retry decision for MediaConnect errors, in one screen.
 *
 * Pure: no I/O, no clock of its own. The AWS SDK's own tables (`@smithy/service-error-classification`)
 * decide throttling (429 or a throttling name such as `ThrottlingException`) and transient faults
 * (500/502/503/504, timeouts, resets); this module adds what MediaConnect needs on top: 409 and
 * expired credentials are worth a retry, 400/403/404 names never are (moto answers NotFoundException
 * with 400), 408 and other 5xx are retried, and an error with no HTTP status is a network failure,
 * unless the credential chain found nothing to sign with.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import type { SdkError } from '@smithy/types';
import { AwsErrorName, FailureType } from '../common/failure-types';
import { MAX_RETRY_AFTER_MS } from '../common/request-budget-math';

/** Errors worth another attempt that the SDK's tables do not call transient. */
export const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  AwsErrorName.Conflict, // a concurrent change; startFlow settles it by reading the status
  'ExpiredTokenException', // the credential chain refreshes expiring credentials before the retry
  'ExpiredToken',
]);

/** Errors that no retry can fix: the request itself is wrong, forbidden, or about nothing. */
export const NON_RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  AwsErrorName.BadRequest,
  AwsErrorName.Forbidden,
  AwsErrorName.NotFound,
]);

/** HTTP statuses retryable whatever the error's name, besides the SDK's transient 5xx. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409]);

/** The longest `Retry-After` honoured, ms: a longer one (a proxy's 86400) is cut to this. One constant with the request budget's bound. */
export { MAX_RETRY_AFTER_MS };

/** What the activity needs to know about a failed MediaConnect call. */
export interface ClassifiedError {
  /** The AWS error name (`NotFoundException`), `NetworkError` when no HTTP answer came, `MissingCredentials` when nothing was sent. */
  name: string;
  /** The service's own message, or the network error's, or what to do about missing credentials. */
  message: string;
  retryable: boolean;
  /** MediaConnect throttled the call (under any name): the activity tells the request budget. */
  throttled: boolean;
  /** HTTP status of the answer; absent when no answer came. */
  httpStatus?: number;
  /** `x-amzn-RequestId` of the answer, for AWS support. */
  requestId?: string;
  /** The delay the answer's `Retry-After` header asked for, ms, at most {@link MAX_RETRY_AFTER_MS}. */
  retryAfterMs?: number;
  /** For network failures: the system error code (`ECONNREFUSED`, `ETIMEDOUT`, ...). */
  networkCode?: string;
}

/** The fields of an AWS SDK v3 service exception (or any error) that classification reads. */
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
}

/**
 * Decides whether an error is worth retrying, in this order: throttling (SDK table) yes; the names
 * above; no HTTP status: a network failure (yes) unless the credentials are missing (no); then by
 * status: the SDK's transient and server errors, 408 and 409 yes, any other 4xx no.
 * Table-driven test: `test/activities/classify-error.test.ts`.
 */
export function isRetryable(
  name: string,
  httpStatus: number | undefined,
  error: unknown = { name, $metadata: { httpStatusCode: httpStatus } },
): boolean {
  const sdkError = error as SdkError;
  if (isThrottlingError(sdkError) || RETRYABLE_ERROR_NAMES.has(name)) return true;
  if (NON_RETRYABLE_ERROR_NAMES.has(name) || name === FailureType.MissingCredentials) return false;
  if (httpStatus === undefined) return true; // no answer at all: reset, refused, DNS, timeout
  return isTransientError(sdkError) || isServerError(sdkError) || RETRYABLE_STATUSES.has(httpStatus);
}

/**
 * Classifies an error thrown by `@aws-sdk/client-mediaconnect`.
 *
 * @param nowMs the current time, used only to turn an HTTP-date `Retry-After` into a delay.
 */
export function classifyMediaConnectError(error: unknown, nowMs: number): ClassifiedError {
  const err: ErrorLike = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const httpStatus = err.$metadata?.httpStatusCode;
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : 'no message';
  if (httpStatus === undefined && err.name === 'CredentialsProviderError') {
    const fix = 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run the worker with an IAM role';
    return {
      name: FailureType.MissingCredentials,
      message: `no AWS credentials found (${message}): ${fix}`,
      retryable: false,
      throttled: false,
    };
  }
  if (httpStatus === undefined) {
    const networkCode = typeof err.code === 'string' ? err.code : typeof err.name === 'string' ? err.name : undefined;
    return { name: AwsErrorName.Network, message, retryable: true, throttled: false, networkCode };
  }
  const name = typeof err.name === 'string' && err.name !== '' ? err.name : `HTTP${httpStatus}`;
  const retryAfterMs = parseRetryAfter(headerValue(err.$response?.headers, 'retry-after'), nowMs);
  return {
    name,
    message,
    retryable: isRetryable(name, httpStatus, err),
    throttled: isThrottlingError(err as SdkError),
    httpStatus,
    requestId: err.$metadata?.requestId,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date (from the day's name on).
 * A past date gives 0; anything longer than {@link MAX_RETRY_AFTER_MS} gives that maximum (a huge
 * or 400-digit value included); anything unreadable gives `undefined`. Always finite.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim() ?? '';
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(text)) delayMs = Number(text) * 1000;
  else if (/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i.test(text)) delayMs = Date.parse(text) - nowMs;
  else return undefined;
  if (Number.isNaN(delayMs)) return undefined;
  return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(0, delayMs)));
}

function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
