/**
 * `takeFleetOffline`'s input: defaults and checks in one place. The workflow runs the checks
 * before any call; the client helper runs them before contacting Temporal. Pure and
 * deterministic: safe in workflow code.
 */
import type { FlowArnParts } from './arn';
import { checkFleetFlowArns, checkFleetPacing } from './bring-fleet-online-input';
import { invalidInput } from './failure-types';

/** Defaults of `takeFleetOffline`'s input. */
export const TAKE_FLEET_OFFLINE_DEFAULTS = { pollInterval: '2s', timeout: '15m' } as const;

/** `takeFleetOffline`'s input, checked and with its defaults applied. */
export interface CheckedTakeFleetOfflineInput {
  flows: FlowArnParts[];
  pollIntervalMs: number;
  timeoutMs: number;
}

/**
 * Checks the whole input before anything runs: one malformed ARN, a duplicate or a bad option
 * stops nothing.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` (naming the position) or `InvalidInput`, non-retryable.
 */
export function checkTakeFleetOfflineInput(raw: unknown): CheckedTakeFleetOfflineInput {
  const input = raw as { flowArns?: unknown; pollInterval?: unknown; timeout?: unknown } | null;
  if (typeof input !== 'object' || input === null || !Array.isArray(input.flowArns)) {
    throw invalidInput('takeFleetOffline expects an object { flowArns: string[], pollInterval?, timeout? }');
  }
  const flows = checkFleetFlowArns(input.flowArns);
  return { flows, ...checkFleetPacing(input, TAKE_FLEET_OFFLINE_DEFAULTS) };
}
