/**
 * `bringFleetOnline`'s input: defaults, limits and checks in one place. The workflow runs the
 * checks before any call; the client helper runs them before contacting Temporal. Pure and
 * deterministic: safe in workflow code.
 */
import { ApplicationFailure, type Duration } from '@temporalio/common';
import { parseFlowArn, type FlowArnParts } from './arn';
import { durationOption } from './duration';
import { invalidInput } from './failure-types';

/** The fields the check reads; the workflow's `BringFleetOnlineInput` documents them. */
interface FleetInputFields {
  flowArns: unknown[];
  maxConcurrent?: unknown;
  pollInterval?: unknown;
  timeout?: unknown;
  failFast?: unknown;
  childPollInterval?: unknown;
}

/** Defaults of `bringFleetOnline`'s input. */
export const BRING_FLEET_ONLINE_DEFAULTS = {
  maxConcurrent: 1000,
  pollInterval: '2s',
  timeout: '15m',
  failFast: false,
  childPollInterval: '2m',
} as const;

/**
 * The largest fleet one workflow run accepts. The fleet stays in one run (see
 * `bringFleetOnline`); this, with {@link MAX_FLEET_POLLS}, keeps its history far below
 * Temporal's 51,200-event limit. Split bigger event days into several fleets.
 */
export const MAX_FLEET_SIZE = 1000;
/** At most this many status reads per fleet (each one activity per region): `timeout / pollInterval` must not exceed it. */
export const MAX_FLEET_POLLS = 2000;
/**
 * Status read interval (ms) while StartFlows are still being issued (some flow has not been seen
 * starting yet): the starts need the budget more than the reads do.
 */
export const STARTS_PENDING_POLL_INTERVAL_MS = 10_000;

/** `bringFleetOnline`'s input, checked and with its defaults applied. */
export interface CheckedBringFleetOnlineInput {
  flows: FlowArnParts[];
  maxConcurrent: number;
  pollIntervalMs: number;
  startsPendingPollMs: number;
  timeoutMs: number;
  childPollIntervalMs: number;
  failFast: boolean;
}

/**
 * Checks the whole input before anything runs: a fleet never stops half-started over a typo.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` (naming the position) or `InvalidInput`, non-retryable.
 */
export function checkBringFleetOnlineInput(raw: unknown): CheckedBringFleetOnlineInput {
  const input = raw as FleetInputFields;
  if (typeof input !== 'object' || input === null || !Array.isArray(input.flowArns)) {
    throw invalidInput(
      'bringFleetOnline expects an object { flowArns: string[], maxConcurrent?, pollInterval?, timeout?, failFast?, childPollInterval? }',
    );
  }
  const flows = checkFleetFlowArns(input.flowArns);
  const maxConcurrent = input.maxConcurrent ?? BRING_FLEET_ONLINE_DEFAULTS.maxConcurrent;
  if (
    typeof maxConcurrent !== 'number' ||
    !Number.isInteger(maxConcurrent) ||
    maxConcurrent < 1 ||
    maxConcurrent > MAX_FLEET_SIZE
  ) {
    throw invalidInput(
      `maxConcurrent must be a whole number from 1 to ${MAX_FLEET_SIZE}, got ${JSON.stringify(input.maxConcurrent)}`,
    );
  }
  if (input.failFast !== undefined && typeof input.failFast !== 'boolean')
    throw invalidInput(`failFast must be true or false, got ${JSON.stringify(input.failFast)}`);
  const { pollIntervalMs, timeoutMs } = checkFleetPacing(input, BRING_FLEET_ONLINE_DEFAULTS);
  const childPollIntervalMs = durationOption(
    'childPollInterval',
    input.childPollInterval,
    BRING_FLEET_ONLINE_DEFAULTS.childPollInterval,
    { minMs: 100, maxMs: 3_600_000 },
  );
  const startsPendingPollMs = Math.max(pollIntervalMs, STARTS_PENDING_POLL_INTERVAL_MS);
  return {
    flows,
    maxConcurrent,
    pollIntervalMs,
    startsPendingPollMs,
    timeoutMs,
    childPollIntervalMs,
    failFast: input.failFast ?? BRING_FLEET_ONLINE_DEFAULTS.failFast,
  };
}

/**
 * Checks a fleet's flow ARNs: at least one, at most {@link MAX_FLEET_SIZE}, each well formed
 * (the failure names its position) and listed once.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` or `InvalidInput`, non-retryable.
 */
export function checkFleetFlowArns(flowArns: unknown[]): FlowArnParts[] {
  if (flowArns.length === 0) throw invalidInput('flowArns is empty: give at least one flow ARN');
  if (flowArns.length > MAX_FLEET_SIZE) {
    throw invalidInput(
      `flowArns has ${flowArns.length} flows; one fleet takes at most ${MAX_FLEET_SIZE}: split the list into several fleets`,
    );
  }
  const flows = flowArns.map((arn, index) => {
    try {
      return parseFlowArn(arn);
    } catch (err) {
      if (err instanceof ApplicationFailure) {
        throw ApplicationFailure.create({
          type: err.type ?? undefined,
          message: `flowArns[${index}]: ${err.message}`,
          nonRetryable: true,
        });
      }
      throw err;
    }
  });
  const seen = new Map<string, number>();
  flows.forEach((flow, index) => {
    const first = seen.get(flow.arn);
    if (first !== undefined)
      throw invalidInput(`flowArns[${index}] repeats flowArns[${first}] (${flow.arn}): list each flow once`);
    seen.set(flow.arn, index);
  });
  return flows;
}

/**
 * Checks a fleet's `pollInterval` and `timeout`: each within its bounds, and together allowing at
 * most {@link MAX_FLEET_POLLS} status reads.
 *
 * @throws ApplicationFailure of type `InvalidInput`, non-retryable.
 */
export function checkFleetPacing(
  input: { pollInterval?: unknown; timeout?: unknown },
  defaults: { pollInterval: Duration; timeout: Duration },
): { pollIntervalMs: number; timeoutMs: number } {
  const pollIntervalMs = durationOption('pollInterval', input.pollInterval, defaults.pollInterval, {
    minMs: 500,
    maxMs: 600_000,
  });
  const timeoutMs = durationOption('timeout', input.timeout, defaults.timeout, { minMs: 1_000, maxMs: 24 * 3_600_000 });
  if (timeoutMs / pollIntervalMs > MAX_FLEET_POLLS) {
    throw invalidInput(
      `timeout / pollInterval allows ${Math.ceil(timeoutMs / pollIntervalMs)} status reads; the limit is ${MAX_FLEET_POLLS} (to bound the fleet's history): lengthen pollInterval or shorten timeout`,
    );
  }
  return { pollIntervalMs, timeoutMs };
}
