/** The simulator's defaults and bounds, in one place. */
import { DEFAULT_REQUEST_BUDGET } from '../common/request-budget-math';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  region: 'us-east-1',
  accountId: '111122223333',
  rateLimit: { ...DEFAULT_REQUEST_BUDGET },
  seed: 1,
  defaultStartingDuration: 3000,
  defaultStoppingDuration: 1000,
  deletingDuration: 500,
  errorMessages: ['Simulated failure: the flow could not start.'],
  alreadyStartedAnswer: 'BadRequest',
  listPageSize: 10,
  maxListPageSize: 1000,
  batchPrefix: 'Flow',
} as const;

export const LIMITS = {
  /** Largest request body, bytes, on the MediaConnect API and the control API. MediaConnect's own requests are a few KiB. */
  maxBodyBytes: 64 * 1024,
  /** Calls `calls()` remembers (the latest); `stats()` counts every call. */
  maxRecordedCalls: 100_000,
  /** Most flows one `createFlows` call makes. */
  maxBatch: 100_000,
  /** Longest raw `Retry-After` a fault may send. */
  maxRetryAfterLength: 8192,
  /** How long an oversized request's connection is drained (its body discarded) before it is closed, ms. */
  oversizedDrainMs: 1000,
} as const;
