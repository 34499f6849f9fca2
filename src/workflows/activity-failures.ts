import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { causeChain } from '../common/error-chain';

/**
 * A failed activity either could never succeed (non-retryable: rethrown as the workflow's own
 * failure, keeping the AWS error name as its type) or ran out of retries within its budget
 * (returned as a one-line description for progress and the final timeout).
 */
export function failIfPermanent(err: unknown): string {
  // A cancelled bring-up ends CANCELLED, whatever it was doing: never as a retry or a timeout.
  if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
  const cause = deepestApplicationFailure(err);
  if (cause?.nonRetryable) {
    throw ApplicationFailure.create({
      type: cause.type ?? 'Error',
      message: cause.message,
      nonRetryable: true,
      details: cause.details ?? undefined,
      cause: err,
    });
  }
  return cause
    ? `${cause.type}: ${cause.message}`
    : `${err.cause?.name ?? 'ActivityFailure'}: ${err.cause?.message ?? err.message}`;
}

function deepestApplicationFailure(err: Error): ApplicationFailure | undefined {
  return causeChain(err)
    .filter((e): e is ApplicationFailure => e instanceof ApplicationFailure)
    .at(-1);
}
