import { ApplicationFailure } from '@temporalio/common';

/**
 * The `type` of every failure this package raises, so callers can branch on it
 * (`err.cause.type === FailureType.FlowError`) or list it in `RetryPolicy.nonRetryableErrorTypes`.
 *
 * Failures that come from MediaConnect itself keep the AWS error name as their type
 * (`NotFoundException`, `TooManyRequestsException`, ...): see `AwsErrorName`.
 */
export const FailureType = {
  /** The flow ARN is not a MediaConnect flow ARN. Nothing was called. */
  InvalidFlowArn: 'InvalidFlowArn',
  /** The workflow input is malformed (wrong types, bad durations). Nothing was called. */
  InvalidInput: 'InvalidInput',
  /** The flow went to ERROR. Details carry the flow's own error messages. */
  FlowError: 'FlowError',
  /** The flow went back to STANDBY or STOPPING while we waited: someone stopped it. */
  FlowStopped: 'FlowStopped',
  /** The flow is being deleted. */
  FlowDeleted: 'FlowDeleted',
  /** The deadline passed before the flow became ACTIVE. Details name the last status seen. */
  FlowStartTimeout: 'FlowStartTimeout',
  /**
   * The deadline passed before the flow was STANDBY (`takeFlowOffline`, `takeFleetOffline`).
   * Details name the last status seen and the last retryable error.
   */
  FlowStopTimeout: 'FlowStopTimeout',
  /** A `failFast` fleet stopped at its first failed flow. Details carry the per-flow report. */
  FleetFailed: 'FleetFailed',
  /**
   * A fleet made as many status reads as its history allows and stopped (details carry the per-flow
   * report). Unreachable while its bring-ups keep their deadlines: the history's last guard.
   */
  FleetPollLimit: 'FleetPollLimit',
  /**
   * The request budget is booked further ahead than this activity attempt can wait. Retryable:
   * the attempt is retried once the wait fits (no MediaConnect call was made).
   */
  RequestBudgetExhausted: 'RequestBudgetExhausted',
  /** The request budget workflow could not be reached. Retryable; no MediaConnect call was made. */
  RequestBudgetUnavailable: 'RequestBudgetUnavailable',
  /**
   * A write (StartFlow, StopFlow) whose turn in the request budget is far off: the worker already
   * holds as many writes waiting as it keeps, so this attempt gives up its activity slot and is
   * retried near its turn. Retryable; no MediaConnect call was made.
   */
  RequestBudgetWriteQueued: 'RequestBudgetWriteQueued',
  /**
   * The AWS SDK found no credentials to sign with (no AWS_PROFILE, AWS_ACCESS_KEY_ID or role), so
   * no request was sent. Non-retryable: only a change to the worker's configuration fixes it.
   */
  MissingCredentials: 'MissingCredentials',
  /** MediaConnect answered with a status this package does not know. */
  UnknownFlowStatus: 'UnknownFlowStatus',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Error names MediaConnect declares for the operations this package calls. */
export const AwsErrorName = {
  BadRequest: 'BadRequestException',
  Forbidden: 'ForbiddenException',
  NotFound: 'NotFoundException',
  Conflict: 'ConflictException',
  TooManyRequests: 'TooManyRequestsException',
  InternalServerError: 'InternalServerErrorException',
  ServiceUnavailable: 'ServiceUnavailableException',
  /** Our own name for a request that got no HTTP answer at all (reset, refused, DNS, timeout). */
  Network: 'NetworkError',
} as const;

/** A non-retryable failure of type `InvalidInput`: the caller must change the input. */
export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.InvalidInput, message, nonRetryable: true });
}
