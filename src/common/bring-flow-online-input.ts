/**
 * `bringFlowOnline`'s input: defaults, bounds and checks in one place. The workflow runs the
 * checks before any MediaConnect call; the client helper and the CLI run them before contacting
 * Temporal. Pure and deterministic: safe in workflow code.
 */
import { parseFlowArn, type FlowArnParts } from './arn';
import { durationOption } from './duration';
import { invalidInput } from './failure-types';
import { FlowStatus, isFlowStatus } from './flow-status';

/** Defaults of `bringFlowOnline`'s input. */
export const BRING_FLOW_ONLINE_DEFAULTS = { pollInterval: '2s', timeout: '10m', pollsPerRun: 500 } as const;

/** The bounds on `bringFlowOnline`'s durations, in milliseconds. */
export const BRING_FLOW_ONLINE_BOUNDS = {
  pollInterval: { minMs: 100, maxMs: 3_600_000 },
  timeout: { minMs: 1_000, maxMs: 7 * 24 * 3_600_000 },
} as const;

/** `bringFlowOnline`'s input, checked and with its defaults applied. */
export interface CheckedBringFlowOnlineInput {
  flow: FlowArnParts;
  pollIntervalMs: number;
  timeoutMs: number;
  pollsPerRun: number;
  knownStatus?: FlowStatus;
}

/**
 * Checks `bringFlowOnline`'s input.
 *
 * @param caller named in the message when the input is not an object at all.
 * @throws ApplicationFailure of type `InvalidFlowArn` or `InvalidInput` (non-retryable) saying what to change.
 */
export function checkBringFlowOnlineInput(input: unknown, caller: string): CheckedBringFlowOnlineInput {
  if (typeof input !== 'object' || input === null) {
    throw invalidInput(`${caller} expects an object { flowArn, pollInterval?, timeout?, pollsPerRun?, knownStatus? }`);
  }
  const { flowArn, pollInterval, timeout, pollsPerRun: rawPollsPerRun, knownStatus } = input as Record<string, unknown>;
  const flow = parseFlowArn(flowArn);
  const pollIntervalMs = durationOption(
    'pollInterval',
    pollInterval,
    BRING_FLOW_ONLINE_DEFAULTS.pollInterval,
    BRING_FLOW_ONLINE_BOUNDS.pollInterval,
  );
  const timeoutMs = durationOption(
    'timeout',
    timeout,
    BRING_FLOW_ONLINE_DEFAULTS.timeout,
    BRING_FLOW_ONLINE_BOUNDS.timeout,
  );
  const pollsPerRun = rawPollsPerRun ?? BRING_FLOW_ONLINE_DEFAULTS.pollsPerRun;
  if (typeof pollsPerRun !== 'number' || !Number.isInteger(pollsPerRun) || pollsPerRun < 1) {
    throw invalidInput(`pollsPerRun must be a positive integer, got ${JSON.stringify(rawPollsPerRun)}`);
  }
  if (knownStatus !== undefined && !isFlowStatus(knownStatus)) {
    throw invalidInput(
      `knownStatus must be one of ${Object.values(FlowStatus).join(', ')}, got ${JSON.stringify(knownStatus)}`,
    );
  }
  return { flow, pollIntervalMs, timeoutMs, pollsPerRun, knownStatus };
}
