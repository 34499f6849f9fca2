/**
 * Checks the CLI's input before anything reaches Temporal. All or nothing: every problem is
 * reported at once, and one bad ARN means no bring-up is started.
 */
import type { ApplicationFailure, Duration } from '@temporalio/common';
import { flowArnProblem, parseFlowArn } from '../common/arn';
import { durationOption } from '../common/duration';
import { CliError, ExitCode } from './exit-codes';


/**
 * Returns the ARNs, duplicates removed, in the order given. `consequence` ends the message
 * ("Nothing was started.").
 * @throws CliError (exit code 2) listing every malformed ARN with its position.
 */
export function validFlowArns(values: readonly unknown[], consequence = ''): string[] {
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
    throw new CliError([...problems, consequence].filter(Boolean).join('\n'), ExitCode.BadInput);
  }
  return [...new Set(values as string[])];
}

/**
 * Checks a duration flag (`--poll-interval 2s`) against the workflow's bounds; returns it as given
 * (the workflow reads the same forms), or undefined when the flag was not set.
 * @throws CliError (exit code 2) naming the flag and the rule.
 */
export function validDuration(flag: string, value: string | undefined, bounds: { minMs: number; maxMs: number }): Duration | undefined {
  if (value === undefined) return undefined;
  try {
    durationOption(flag, value, 0, bounds);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.BadInput);
  }
  return value as Duration; // checked just above
}
