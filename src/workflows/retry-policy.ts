import type { RetryPolicy } from '@temporalio/common';

/**
 * How every workflow of this package retries a MediaConnect activity: from 1 s, doubling, to at most
 * 10 s between attempts; a 429's Retry-After overrides the next delay (`nextRetryDelay`). Which
 * errors are retried at all is decided by the activities (`classify-error.ts`); how long retries may
 * go on is each call's schedule-to-close timeout.
 */
export const MEDIACONNECT_RETRY_POLICY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' };
