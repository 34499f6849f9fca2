import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { invalidInput } from './failure-types';

/**
 * Reads a duration option (`'5s'`, `'10 minutes'`, or milliseconds) and checks its bounds.
 *
 * @throws ApplicationFailure of type `InvalidInput` (non-retryable) naming the option and the rule.
 */
export function durationOption(
  name: string,
  value: unknown,
  fallback: Duration,
  bounds: { minMs: number; maxMs: number },
): number {
  if (value === undefined || value === null) return msToNumber(fallback);
  let ms: number;
  try {
    if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError();
    ms = msToNumber(value as Duration);
  } catch {
    throw invalidInput(
      `${name} must be a duration such as '5s' or a number of milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  if (!Number.isFinite(ms) || ms < bounds.minMs || ms > bounds.maxMs) {
    throw invalidInput(
      `${name} must be between ${bounds.minMs} ms and ${bounds.maxMs} ms, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}
