/**
 * `eventDay`'s input: defaults, bounds and checks in one place. The workflow runs the checks before
 * anything else; `startEventDay` runs them before contacting Temporal. Pure and deterministic: safe
 * in workflow code (the caller passes the time to measure relative times from).
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { FlowArnParts } from './arn';
import { checkFleetFlowArns } from './bring-fleet-online-input';
import { durationOption } from './duration';
import { invalidInput } from './failure-types';

/**
 * A moment of the event: an ISO 8601 time with a time zone (`'2026-11-28T19:00:00Z'`), a `Date`
 * (sent as such a string), or a duration after the workflow's start (`'30m'`, `'4h'`), which is what
 * a Temporal Schedule that starts the same event every week passes.
 */
export type EventTime = string | Date;

/** Defaults of `eventDay`'s input. */
export const EVENT_DAY_DEFAULTS = {
  leadTime: '15m',
  restartOnError: false,
  watchInterval: '1m',
  maxRestartsPerFlow: 3,
  readsPerRun: 200,
} as const;

/** Bounds on `eventDay`'s options. */
export const EVENT_DAY_BOUNDS = {
  leadTime: { minMs: 0, maxMs: 24 * 3_600_000 },
  watchInterval: { minMs: 5_000, maxMs: 3_600_000 },
  /** From the start to `offlineAt`: an event day is at most a week. */
  eventMaxMs: 7 * 24 * 3_600_000,
  maxRestartsPerFlow: { min: 0, max: 100 },
  readsPerRun: { min: 1, max: 2_000 },
} as const;

/** The fields the check reads; the workflow's `EventDayInput` documents them. */
interface EventDayInputFields {
  flowArns?: unknown;
  onlineBy?: unknown;
  offlineAt?: unknown;
  leadTime?: unknown;
  restartOnError?: unknown;
  watchInterval?: unknown;
  maxRestartsPerFlow?: unknown;
  readsPerRun?: unknown;
}

/** `eventDay`'s input, checked, with its defaults applied and its times as epoch milliseconds. */
export interface CheckedEventDayInput {
  flows: FlowArnParts[];
  onlineByMs: number;
  offlineAtMs: number;
  leadTimeMs: number;
  /** When the bring-up begins: `onlineBy − leadTime`, or at once when that has passed. */
  bringUpAtMs: number;
  /** `onlineBy − leadTime` had already passed at the start: the bring-up began at once. */
  startsLate: boolean;
  restartOnError: boolean;
  watchIntervalMs: number;
  maxRestartsPerFlow: number;
  readsPerRun: number;
}

const EXPECTED =
  'eventDay expects an object { flowArns: string[], onlineBy, offlineAt, leadTime?, restartOnError?, watchInterval?, maxRestartsPerFlow?, readsPerRun? }';

/**
 * Checks the whole input before anything runs.
 *
 * @param nowMs the time relative times (`'30m'`) count from, and against which `offlineAt` must lie ahead.
 * @param carried a run continued as new: its times are absolute and its event may be under way.
 * @throws ApplicationFailure of type `InvalidFlowArn` (naming the position) or `InvalidInput`, non-retryable.
 */
export function checkEventDayInput(
  raw: unknown,
  nowMs: number,
  { carried = false }: { carried?: boolean } = {},
): CheckedEventDayInput {
  if (typeof raw !== 'object' || raw === null) throw invalidInput(EXPECTED);
  const input = raw as EventDayInputFields;
  const flows = checkFlowArns(input.flowArns);
  const onlineByMs = eventTimeOption('onlineBy', input.onlineBy, nowMs);
  const offlineAtMs = eventTimeOption('offlineAt', input.offlineAt, nowMs);
  if (offlineAtMs <= onlineByMs)
    throw invalidInput(
      `offlineAt (${iso(offlineAtMs)}) must come after onlineBy (${iso(onlineByMs)}): the event ends after it begins`,
    );
  // A run continued as new carries an event already under way: only a new event must lie ahead.
  if (!carried && offlineAtMs <= nowMs)
    throw invalidInput(`offlineAt (${iso(offlineAtMs)}) has already passed (now ${iso(nowMs)}): the event is over`);
  if (!carried && offlineAtMs - nowMs > EVENT_DAY_BOUNDS.eventMaxMs)
    throw invalidInput(
      `offlineAt (${iso(offlineAtMs)}) is more than 7 days away: start the event day closer to the event (a Temporal Schedule can do that)`,
    );
  const leadTimeMs = durationOption('leadTime', input.leadTime, EVENT_DAY_DEFAULTS.leadTime, EVENT_DAY_BOUNDS.leadTime);
  if (input.restartOnError !== undefined && typeof input.restartOnError !== 'boolean')
    throw invalidInput(`restartOnError must be true or false, got ${JSON.stringify(input.restartOnError)}`);
  const watchIntervalMs = durationOption(
    'watchInterval',
    input.watchInterval,
    EVENT_DAY_DEFAULTS.watchInterval,
    EVENT_DAY_BOUNDS.watchInterval,
  );
  const bringUpAtMs = Math.max(nowMs, onlineByMs - leadTimeMs);
  return {
    flows,
    onlineByMs,
    offlineAtMs,
    leadTimeMs,
    bringUpAtMs,
    startsLate: onlineByMs - leadTimeMs < nowMs,
    restartOnError: input.restartOnError ?? EVENT_DAY_DEFAULTS.restartOnError,
    watchIntervalMs,
    maxRestartsPerFlow: wholeNumber(
      'maxRestartsPerFlow',
      input.maxRestartsPerFlow,
      EVENT_DAY_DEFAULTS.maxRestartsPerFlow,
      EVENT_DAY_BOUNDS.maxRestartsPerFlow,
    ),
    readsPerRun: wholeNumber(
      'readsPerRun',
      input.readsPerRun,
      EVENT_DAY_DEFAULTS.readsPerRun,
      EVENT_DAY_BOUNDS.readsPerRun,
    ),
  };
}

function checkFlowArns(flowArns: unknown): FlowArnParts[] {
  if (!Array.isArray(flowArns)) throw invalidInput(`${EXPECTED}: flowArns is missing or not a list`);
  return checkFleetFlowArns(flowArns);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads an {@link EventTime} as epoch milliseconds: an ISO 8601 time with a zone, a `Date`, or a
 * duration after `nowMs`.
 */
export function eventTimeOption(name: string, value: unknown, nowMs: number): number {
  const expected = `${name} must be an ISO 8601 time with a time zone ('2026-11-28T19:00:00Z'), a Date, or a duration after the start ('30m', '4h')`;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidInput(`${expected}; got an invalid Date`);
    return value.getTime();
  }
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidInput(`${expected}; got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = ISO_TIME.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms))
      throw invalidInput(`${expected}; got ${JSON.stringify(value)} (a time needs its zone: Z or +01:00)`);
    return ms;
  }
  let afterMs: number;
  try {
    afterMs = msToNumber(value as Duration);
  } catch {
    afterMs = NaN;
  }
  if (!Number.isFinite(afterMs) || afterMs < 0) throw invalidInput(`${expected}; got ${JSON.stringify(value)}`);
  return nowMs + afterMs;
}

function wholeNumber(name: string, value: unknown, fallback: number, { min, max }: { min: number; max: number }) {
  const n = value ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw invalidInput(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
