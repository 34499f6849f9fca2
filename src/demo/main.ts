/**
 * `npm run demo` (or `npx tsx src/demo/main.ts`): bring a handful of simulated MediaConnect flows
 * online with Temporal on this machine, watch them in the terminal and in the Temporal Web UI.
 * No AWS account needed. See `--help` for the options.
 *
 * Exit codes: 0 the demo ran as designed (the flow scripted to end in ERROR failing is part of
 * the design); 1 something else failed; 2 it could not start (bad option, port in use, no
 * Temporal CLI); 128 + signal when interrupted before the summary.
 */
import { constants } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../common/task-queue';
import { durationOption } from '../common/duration';
import { Demo, DemoSetupError, type DemoOptions } from './run-demo';
import { DEMO_DEFAULTS, MAX_DEMO_FLOWS, MIN_DEMO_FLOWS } from './scenario';
import { terminalSafeLines } from '../live-view/terminal-text';

const EXIT_CODES_HELP = `
Exit codes:
  0    the demo ran as designed (the flow scripted to end in ERROR fails with FlowError)
  1    something else failed
  2    it could not start: a bad option, a port in use, no Temporal CLI (run npm run setup)
  130  interrupted (Ctrl-C) before the summary; after it, Ctrl-C exits with the demo's result`;

function wholeNumber(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

function seconds(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 600)
    throw new InvalidArgumentError('--starting-seconds must be a number of seconds from 0 to 600.');
  return value;
}

function pollInterval(raw: string): string {
  try {
    durationOption('--poll-interval', raw, '5s', { minMs: 100, maxMs: 3_600_000 });
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return raw;
}

/** Reads the options; on a bad one, prints commander's message and exits with 2. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions & { exit: boolean } {
  const program = new Command('npm run demo --')
    .description(
      'Bring simulated MediaConnect flows online with Temporal on this machine: a dev server with its Web UI, the MediaConnect simulator and the worker, all started here. No AWS account needed.',
    )
    .option(
      '--flows <n>',
      `number of flows; one ends in ERROR, one is throttled (${MIN_DEMO_FLOWS}-${MAX_DEMO_FLOWS})`,
      wholeNumber('--flows', MIN_DEMO_FLOWS, MAX_DEMO_FLOWS),
      DEMO_DEFAULTS.flows,
    )
    .option(
      '--starting-seconds <s>',
      'how long a flow stays STARTING, give or take 40%',
      seconds,
      DEMO_DEFAULTS.startingSeconds,
    )
    .option(
      '--poll-interval <duration>',
      'time between two status checks of a STARTING flow (status change events wake it sooner)',
      pollInterval,
      '5s',
    )
    .option(
      '--temporal-port <port>',
      "port of the Temporal dev server's frontend",
      wholeNumber('--temporal-port', 1, 65535),
      7233,
    )
    .option('--ui-port <port>', 'port of the Temporal Web UI', wholeNumber('--ui-port', 1, 65535), 8233)
    .option('--db-file <path>', "the dev server's SQLite file: a restart keeps every workflow", '.demo/temporal.db')
    .option('--task-queue <name>', 'task queue of the worker', DEFAULT_TASK_QUEUE)
    .option(
      '--exit',
      'end right after the summary (by default the server, UI and worker keep running until Ctrl-C)',
      false,
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
  }
  const opts = program.opts<{
    flows: number;
    startingSeconds: number;
    pollInterval: string;
    temporalPort: number;
    uiPort: number;
    dbFile: string;
    taskQueue: string;
    exit: boolean;
  }>();
  if (opts.temporalPort === opts.uiPort) {
    process.stderr.write(`demo: --temporal-port and --ui-port must differ (both are ${opts.uiPort}).\n`);
    process.exit(2);
  }
  return { ...opts, pollInterval: opts.pollInterval as DemoOptions['pollInterval'], refreshMs: 500 };
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseDemoOptions(argv);
  const demo = new Demo(options, process.stdout);

  const finish = async (code: number, interrupted: boolean): Promise<never> => {
    await demo.stop(interrupted);
    process.exit(code);
  };
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + constants.signals[signal];
    if (signalled) {
      // A second Ctrl-C: no more waiting.
      demo.killNow();
      process.exit(code);
    }
    signalled = true;
    process.stdout.write(`\n${signal}: stopping the worker, the simulator and the Temporal dev server...\n`);
    void finish(demo.result ?? code, demo.result === undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // Whatever happens, the dev server (a separate process) must not outlive the demo.
  process.on('exit', () => demo.killNow());
  // While stopping, closed connections may still fire a retry or two: expected, not a crash.
  const onCrash = (err: unknown) => {
    if (demo.isStopping) return;
    process.stderr.write(
      `\ndemo: ${terminalSafeLines(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
    void finish(1, true);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  let code: number;
  try {
    code = await demo.run();
  } catch (err) {
    if (demo.isStopping) return; // a signal is tearing things down; its handler exits
    process.stderr.write(
      `\ndemo: ${terminalSafeLines(err instanceof DemoSetupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
    await finish(err instanceof DemoSetupError || err instanceof RangeError ? 2 : 1, true);
    return;
  }
  if (demo.isStopping) return;
  if (options.exit) {
    await finish(code, false);
    return;
  }
  process.stdout.write(
    `\nThe dev server, the Web UI and the worker keep running: browse ${demo.workflowsUrl}\nPress Ctrl-C to stop.\n`,
  );
  // The running worker keeps the process alive until a signal arrives.
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
