/** Input checks of the simulator's TypeScript API: each throws a TypeError naming the field and the rule. */
import { flowArnProblem, partitionOfRegion } from '../common/arn';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { DEFAULTS } from './defaults';
import type { AlreadyStartedAnswer, SimulatedFlowOptions, SimulatorOptions } from './types';

export function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function requireDuration(field: string, value: unknown): void {
  if (value !== undefined && !isNonNegativeNumber(value)) {
    throw new TypeError(`${field} must be a finite number of milliseconds >= 0, got ${JSON.stringify(value)}`);
  }
}

/** What is wrong with a region or account id as part of a flow ARN (checked by `common/arn`), or undefined. */
function arnPartProblem(region: string, accountId: string): string | undefined {
  return flowArnProblem(`arn:${partitionOfRegion(region)}:mediaconnect:${region}:${accountId}:flow:1-a:a`);
}

export function isAlreadyStartedAnswer(value: unknown): value is AlreadyStartedAnswer {
  return value === 'BadRequest' || value === 'Conflict';
}

function requireAlreadyStartedAnswer(field: string, value: unknown): void {
  if (value !== undefined && !isAlreadyStartedAnswer(value)) {
    throw new TypeError(`${field} must be 'BadRequest' or 'Conflict', got ${JSON.stringify(value)}`);
  }
}

function checkRegions(options: SimulatorOptions, accountId: string): void {
  const regions: unknown[] = [options.region ?? DEFAULTS.region, ...(options.regions ?? [])];
  if (options.regions !== undefined && (!Array.isArray(options.regions) || options.regions.length === 0)) {
    throw new TypeError('regions must be a non-empty array of AWS region names such as ["us-east-1", "us-west-2"]');
  }
  for (const region of regions) {
    const problem = typeof region === 'string' ? arnPartProblem(region, accountId) : 'not a string';
    if (problem !== undefined)
      throw new TypeError(`region must be an AWS region name such as us-east-1, got ${String(region)}: ${problem}`);
  }
  if (options.region !== undefined && options.regions !== undefined && !options.regions.includes(options.region)) {
    throw new TypeError(`regions (${options.regions.join(', ')}) must include the default region ${options.region}`);
  }
}

export function validateOptions(options: SimulatorOptions): void {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new TypeError(`port must be a whole number from 0 to 65535, got ${String(options.port)}`);
  }
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new TypeError(`accountId must be 12 digits, got ${String(options.accountId)}`);
  }
  checkRegions(options, options.accountId ?? DEFAULTS.accountId);
  if (options.rateLimit) {
    const { requestsPerSecond, burst } = options.rateLimit;
    if (!(isNonNegativeNumber(requestsPerSecond) && requestsPerSecond > 0)) {
      throw new TypeError(`rateLimit.requestsPerSecond must be a number > 0, got ${String(requestsPerSecond)}`);
    }
    if (!(isNonNegativeNumber(burst) && burst >= 1))
      throw new TypeError(`rateLimit.burst must be a number >= 1, got ${String(burst)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new TypeError(`seed must be an integer, got ${String(options.seed)}`);
  requireDuration('defaultStartingDuration', options.defaultStartingDuration);
  requireDuration('defaultStoppingDuration', options.defaultStoppingDuration);
  requireDuration('deletingDuration', options.deletingDuration);
  requireAlreadyStartedAnswer('alreadyStartedAnswer', options.alreadyStartedAnswer);
}

export function validateFlowPatch(patch: Partial<SimulatedFlowOptions>): void {
  if (patch === null || typeof patch !== 'object') throw new TypeError('flow options must be an object');
  if (patch.status !== undefined && !isFlowStatus(patch.status)) {
    throw new TypeError(`status must be one of ${Object.values(FlowStatus).join(', ')}, got ${String(patch.status)}`);
  }
  requireDuration('startingDuration', patch.startingDuration);
  requireDuration('stoppingDuration', patch.stoppingDuration);
  if (
    patch.startingDescribes !== undefined &&
    !(Number.isInteger(patch.startingDescribes) && patch.startingDescribes >= 0)
  ) {
    throw new TypeError(`startingDescribes must be an integer >= 0, got ${String(patch.startingDescribes)}`);
  }
  if (patch.outcome !== undefined && patch.outcome !== 'ACTIVE' && patch.outcome !== 'ERROR') {
    throw new TypeError(`outcome must be 'ACTIVE' or 'ERROR', got ${String(patch.outcome)}`);
  }
  if (
    patch.errorMessages !== undefined &&
    (!Array.isArray(patch.errorMessages) || !patch.errorMessages.every((m) => typeof m === 'string'))
  ) {
    throw new TypeError('errorMessages must be an array of strings');
  }
  requireAlreadyStartedAnswer('alreadyStartedAnswer', patch.alreadyStartedAnswer);
}
