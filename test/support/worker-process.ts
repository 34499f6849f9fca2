import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { MediaConnectSimulator } from '../../src/testing';
import { waitFor } from './wait-for';

const REPO = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (clean shutdown), or the given signal; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real worker entry point (`src/worker.ts` through tsx) in its own process with the given
 * environment added to a minimal one (no AWS settings leak in from the developer's shell).
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'worker.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return {
    child,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The environment of a worker process that uses the simulator. */
export function workerEnvFor(
  address: string,
  sim: MediaConnectSimulator,
  taskQueue: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    AWS_ENDPOINT_URL_MEDIACONNECT: sim.endpoint,
    AWS_REGION: sim.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // The simulator's token bucket is off in these suites; keep the request budget out of the way too (it still runs).
    MEDIACONNECT_MAX_REQUESTS_PER_SECOND: '1000',
    ...extra,
  };
}

/**
 * Spawns the real worker entry point and waits until it polls (it bundles the workflows first,
 * which takes a while on a busy machine).
 * @throws Error with the worker's output when it exits or does not come up in time.
 */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<WorkerProcess> {
  // "Worker running" is logged at INFO: a quieter level would hide the start-up.
  const worker = spawnWorker({ LOG_FORMAT: 'json', LOG_LEVEL: 'INFO', ...env });
  try {
    await waitFor(
      'the worker to start',
      () => worker.output().includes('Worker running') || worker.child.exitCode !== null,
      timeoutMs,
    );
  } catch (err) {
    await worker.stop('SIGKILL');
    throw new Error(`${(err as Error).message}; worker output:\n${worker.output()}`, { cause: err });
  }
  if (worker.child.exitCode !== null)
    throw new Error(`the worker exited early (code ${worker.child.exitCode}):\n${worker.output()}`);
  return worker;
}
