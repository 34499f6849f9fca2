/** The CLI's exit codes, so that scripts can branch on what went wrong. */
export const ExitCode = {
  /**
   * Every flow is ACTIVE (`start --wait`) or STANDBY (`stop --wait`), every workflow was started
   * (`start`, `stop`), or every bring-up found and not failed (`status`).
   */
  Success: 0,
  /** A bring-up or take-offline failed (ERROR, a timeout, ...), or `status` found no bring-up for a flow. */
  FlowFailed: 1,
  /** Bad input: a malformed flow ARN, a bad duration, an unknown option. Nothing reached Temporal. */
  BadInput: 2,
  /** Temporal could not be reached or used (address, TLS, API key, namespace). */
  TemporalUnavailable: 3,
  /** `worker`: a setting in the environment cannot work (the message names it); EX_CONFIG. */
  WorkerConfiguration: 78,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table, as `--help` shows it. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success: every flow ACTIVE (start --wait) or STANDBY (stop --wait), every workflow
     started (start, stop), every bring-up found and none failed (status)
  1  a bring-up or take-offline failed (FlowError, FlowStartTimeout, FlowStopTimeout, ...),
     or status found none for a flow; worker or bundle failed
  2  bad input (malformed flow ARN, bad duration, unknown option): nothing was started or stopped
  3  cannot reach Temporal (check TEMPORAL_ADDRESS or --address, TEMPORAL_NAMESPACE,
     TEMPORAL_TLS_*, TEMPORAL_API_KEY)
  78 worker: a setting in the environment cannot work (the message names it)`;

/** An error the CLI reports as one line on stderr, ending the command with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
