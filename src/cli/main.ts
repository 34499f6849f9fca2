#!/usr/bin/env node
/**
 * `temporal-mediaconnect`: the operators' command line. Starts bring-ups of MediaConnect flows on
 * a Temporal cluster where this package's worker runs, follows them, reports their status, and
 * takes the flows offline again.
 *
 *   temporal-mediaconnect start <flowArn...> [--wait] [--json]
 *   temporal-mediaconnect stop <flowArn...> [--wait] [--json]
 *   temporal-mediaconnect status <flowArn...> [--json]
 *   temporal-mediaconnect worker                  (runs this package's worker; configured from the environment)
 *   temporal-mediaconnect bundle <outputPath>     (pre-bundles the workflows for WORKFLOW_BUNDLE_PATH)
 *
 * Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
 * TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE (through @temporalio/envconfig), or --address and
 * --namespace. Exit codes: see `EXIT_CODES_HELP`.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../common/task-queue';
import { DEFAULT_CONNECT_TIMEOUT } from './connection';
import { CliError, EXIT_CODES_HELP, ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { startCommand, type StartCommandOptions } from './start-command';
import { statusCommand, type StatusCommandOptions } from './status-command';
import { stopCommand, type StopCommandOptions } from './stop-command';
import { bundleCommand, WORKER_ENVIRONMENT_HELP, workerCommand } from './worker-command';
import { terminalSafeLines } from '../live-view/terminal-text';

const CONNECTION_HELP = `
Connection (flags win over the environment):
  TEMPORAL_ADDRESS      host:port of the Temporal frontend (default localhost:7233)
  TEMPORAL_NAMESPACE    namespace (default "default")
  TEMPORAL_API_KEY      API key (turns TLS on)
  TEMPORAL_TLS_*        client certificate, key, server CA, server name
  TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE   a profile of the Temporal CLI's config file`;

/** Adds the flags every command takes to reach Temporal. */
function withConnectionOptions(command: Command): Command {
  return command
    .option('--address <host:port>', 'Temporal frontend address (default: TEMPORAL_ADDRESS, else localhost:7233)')
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE, else "default")')
    .option(
      '--connect-timeout <duration>',
      'how long to wait for Temporal to answer before exit code 3',
      DEFAULT_CONNECT_TIMEOUT,
    );
}

/** Adds the flags of a command that starts one workflow per flow (`start`, `stop`). */
function withWorkflowOptions(
  command: Command,
  { waitingFor, awaited }: { waitingFor: string; awaited: string },
): Command {
  return command
    .option(
      '--poll-interval <duration>',
      `time between status checks while a flow is ${waitingFor}, e.g. 2s (default: the workflow's, 2s)`,
    )
    .option(
      '--timeout <duration>',
      `how long a flow may take to become ${awaited}, e.g. 10m (default: the workflow's, 10m)`,
    )
    .option('--task-queue <name>', 'task queue of the worker', DEFAULT_TASK_QUEUE)
    .option('--json', 'print one JSON document on stdout; progress and errors go to stderr', false)
    .option(
      '--no-search-attributes',
      "do not set this package's search attributes (for a namespace that does not declare them)",
    );
}

/** The command tree; `exitCode` receives what the command that ran returned. */
function buildProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('temporal-mediaconnect')
    .description('Bring AWS Elemental MediaConnect flows online with Temporal, follow them, and take them offline.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${CONNECTION_HELP}\n${EXIT_CODES_HELP}`);

  withConnectionOptions(
    withWorkflowOptions(
      program
        .command('start')
        .description(
          'Start bringing flows online (one bring-up per flow; a flow already being brought online is attached to, not restarted).',
        )
        .argument(
          '<flowArn...>',
          'ARNs of the MediaConnect flows; all are checked first, and one malformed ARN starts nothing',
        )
        .option(
          '--wait',
          'follow the bring-ups until every flow is ACTIVE or has failed (Ctrl-C stops following; the bring-ups go on)',
          false,
        ),
      { waitingFor: 'STARTING', awaited: 'ACTIVE' },
    ).addOption(
      new Option('--refresh-ms <ms>', 'milliseconds between progress refreshes').argParser(Number).hideHelp(),
    ),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flowArns: string[], options: StartCommandOptions) =>
      setExitCode(await startCommand(flowArns, options, io)),
    );

  withConnectionOptions(
    withWorkflowOptions(
      program
        .command('stop')
        .description(
          'Take flows offline (one takeFlowOffline per flow: StopFlow, then wait for STANDBY; a flow already STANDBY needs no StopFlow, one STARTING is stopped once ACTIVE).',
        )
        .argument(
          '<flowArn...>',
          'ARNs of the MediaConnect flows; all are checked first, and one malformed ARN stops nothing',
        )
        .option(
          '--wait',
          'wait until every flow is STANDBY or its take-offline has failed, printing a line as each ends (Ctrl-C stops waiting; the take-offlines go on)',
          false,
        ),
      { waitingFor: 'STOPPING', awaited: 'STANDBY' },
    ),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flowArns: string[], options: StopCommandOptions) =>
      setExitCode(await stopCommand(flowArns, options, io)),
    );

  withConnectionOptions(
    program
      .command('status')
      .description(
        "Show each flow's bring-up: running (flow status, polls, elapsed), ACTIVE, failed (failure type and message), or not found.",
      )
      .argument('<flowArn...>', 'ARNs of the MediaConnect flows')
      .option('--json', 'print one JSON document on stdout', false),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flowArns: string[], options: StatusCommandOptions) =>
      setExitCode(await statusCommand(flowArns, options, io)),
    );

  program
    .command('worker')
    .description(
      "Run this package's worker: its workflows and MediaConnect activities on one task queue, until SIGINT or SIGTERM.",
    )
    .addHelpText('after', WORKER_ENVIRONMENT_HELP)
    .action(async () => setExitCode(await workerCommand(io)));

  program
    .command('bundle')
    .description(
      "Pre-bundle this package's workflows into one file for the worker's WORKFLOW_BUNDLE_PATH (the worker then starts without webpack).",
    )
    .argument('<outputPath>', 'the file to write, e.g. lib/workflow-bundle.js')
    .action(async (outputPath: string) => setExitCode(await bundleCommand(outputPath, io)));

  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns its exit code;
 * never calls `process.exit`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.Success;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has written its message (unknown option, missing argument) or the help already.
      return err.exitCode === 0 ? ExitCode.Success : ExitCode.BadInput;
    }
    if (err instanceof CliError) {
      io.stderr.write(`temporal-mediaconnect: ${terminalSafeLines(err.message)}\n`);
      return err.exitCode;
    }
    io.stderr.write(
      `temporal-mediaconnect: unexpected error: ${terminalSafeLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
    return ExitCode.FlowFailed;
  }
}

function packageVersion(): string {
  // A require, not an import: package.json sits outside the compiled sources' root.
  return (require('../../package.json') as { version: string }).version;
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `temporal-mediaconnect: ${terminalSafeLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
      );
      process.exitCode = ExitCode.FlowFailed;
    },
  );
}
