import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/common';

/**
 * How every workflow of this package retries a MediaConnect activity: from 1 s, doubling, to at most
 * 10 s between attempts; a 429's Retry-After (or the request budget's wait) overrides the next delay
 * (`nextRetryDelay`). Which errors are retried at all is decided by the activities
 * (`classify-error.ts`); how long retries may go on is each call's schedule-to-close timeout.
 */
export const MEDIACONNECT_RETRY_POLICY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
};

/**
 * Timeouts of every MediaConnect activity. An attempt first waits for its token from the request
 * budget (heartbeating), then makes its call, which the activity itself bounds (10 s by default):
 * the start-to-close timeout leaves room for both, and the heartbeat timeout notices a lost
 * worker within 10 s whatever the attempt was doing.
 */
export const BUDGETED_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1m',
  heartbeatTimeout: '10s',
  retry: MEDIACONNECT_RETRY_POLICY,
  // A cancelled workflow waits until its activity has aborted its request (the activity learns of
  // the cancellation from its next heartbeat), so nothing is still on its way to MediaConnect.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};
