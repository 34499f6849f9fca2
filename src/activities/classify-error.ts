/**
 * The whole retry / no-retry decision for MediaConnect errors, in one screen.
 *
 * Pure: no I/O, no clock of its own. Decides by the AWS error name first, then by the HTTP
 * status (moto answers NotFoundException with 400, proxies answer 502 with no AWS name), and
 * treats an error with no HTTP status at all as a network failure.
 */
import { AwsErrorName } from '../common/failure-types';

/** Errors worth another attempt: throttling, server faults, and a conflicting concurrent change. */
export const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  AwsErrorName.TooManyRequests,
  AwsErrorName.InternalServerError,
  AwsErrorName.ServiceUnavailable,
  AwsErrorName.Conflict,
]);

/** Errors that no retry can fix: the request itself is wrong, forbidden, or about nothing. */
export const NON_RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  AwsErrorName.BadRequest,
  AwsErrorName.Forbidden,
  AwsErrorName.NotFound,
]);

/** HTTP statuses that are retryable whatever the error's name. */
const RETRYABLE_STATUS = (status: number): boolean => status === 429 || status === 409 || status >= 500;

/** What the activity needs to know about a failed MediaConnect call. */
export interface ClassifiedError {
  /** The AWS error name (`NotFoundException`), or `NetworkError` when no HTTP answer came. */
  name: string;
  /** The service's own message, or the network error's. */
  message: string;
  retryable: boolean;
  /** HTTP status of the answer; absent for network failures. */
  httpStatus?: number;
  /** `x-amzn-RequestId` of the answer, for AWS support. */
  requestId?: string;
  /** The delay a 429's `Retry-After` header asked for, in milliseconds. */
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

/** Decides whether an error is worth retrying. Table-driven test: `test/activities/classify-error.test.ts`. */
export function isRetryable(name: string, httpStatus: number | undefined): boolean {
  if (RETRYABLE_ERROR_NAMES.has(name)) return true;
  if (NON_RETRYABLE_ERROR_NAMES.has(name)) return false;
  if (httpStatus === undefined) return true; // no answer at all: reset, refused, DNS, timeout
  return RETRYABLE_STATUS(httpStatus);
}

/**
 * Classifies an error thrown by `@aws-sdk/client-mediaconnect`.
 *
 * @param nowMs the current time, used only to turn an HTTP-date `Retry-After` into a delay.
 */
export function classifyMediaConnectError(error: unknown, nowMs: number): ClassifiedError {
  const err: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const httpStatus = err.$metadata?.httpStatusCode;
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : 'no message';
  if (httpStatus === undefined) {
    const networkCode = typeof err.code === 'string' ? err.code : typeof err.name === 'string' ? err.name : undefined;
    return { name: AwsErrorName.Network, message, retryable: true, networkCode };
  }
  const name = typeof err.name === 'string' && err.name !== '' ? err.name : `HTTP${httpStatus}`;
  const retryAfterMs = parseRetryAfter(headerValue(err.$response?.headers, 'retry-after'), nowMs);
  return {
    name,
    message,
    retryable: isRetryable(name, httpStatus),
    httpStatus,
    requestId: err.$metadata?.requestId,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

/** `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
