/**
 * Checks the CLI's input before anything reaches Temporal. All or nothing: every problem is
 * reported at once, and one bad ARN means no bring-up is started.
 */
import type { ApplicationFailure, Duration } from '@temporalio/common';
import { flowArnProblem, parseFlowArn } from '../common/arn';
import { MAX_FLEET_SIZE } from '../common/bring-fleet-online-input';
import { durationOption } from '../common/duration';
import { CliError, ExitCode } from './exit-codes';

/**
 * The most flows one command takes, as many as a fleet: a command with more arguments is refused
 * whole, before anything is sent, rather than starting thousands of bring-ups at once.
 */
export const MAX_CLI_FLOWS = MAX_FLEET_SIZE;
/** The most malformed ARNs the error lists one by one; the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Returns the ARNs, duplicates removed, in the order given. `consequence` ends the message
 * ("Nothing was started.").
 * @throws CliError (exit code 2) when more than {@link MAX_CLI_FLOWS} flows are given, or listing the
 * malformed ARNs with their positions.
 */
export function validFlowArns(values: readonly unknown[], consequence = ''): string[] {
  const distinct = new Set(values).size;
  if (distinct > MAX_CLI_FLOWS) {
    const message = `${distinct} flows given; one command takes at most ${MAX_CLI_FLOWS}: split the list into several commands (or start a fleet with startBringFleetOnline)`;
    throw new CliError([message, consequence].filter(Boolean).join('\n'), ExitCode.BadInput);
  }
  const problems: string[] = [];
  values.forEach((value, i) => {
    if (flowArnProblem(value) === undefined) return;
    try {
      parseFlowArn(value);
    } catch (err) {
      problems.push(`argument ${i + 1}: ${(err as ApplicationFailure).message}`);
    }
  });
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
    if (problems.length > listed.length) listed.push(`... and ${problems.length - listed.length} more malformed ARNs`);
    throw new CliError([...listed, consequence].filter(Boolean).join('\n'), ExitCode.BadInput);
  }
  return [...new Set(values as string[])];
}

/**
 * Checks a duration flag (`--poll-interval 2s`) against the workflow's bounds; returns it as given
 * (the workflow reads the same forms), or undefined when the flag was not set.
 * @throws CliError (exit code 2) naming the flag and the rule.
 */
export function validDuration(
  flag: string,
  value: string | undefined,
  bounds: { minMs: number; maxMs: number },
): Duration | undefined {
  if (value === undefined) return undefined;
  try {
    durationOption(flag, value, 0, bounds);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.BadInput);
  }
  return value as Duration; // checked just above
}
