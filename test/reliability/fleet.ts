/**
 * Shared by the reliability suites: a fleet of simulated flows with known outcomes, the real
 * worker in its own process pointed at the simulator, and the figures each suite prints.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { MediaConnectSimulator } from '../../src/testing';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { seededRandom } from '../../src/testing/seeded-random';

/** One flow of a fleet and how its bring-up must end. */
export interface FleetFlow {
  flowArn: string;
  /** `ACTIVE`: the workflow completes; `FlowError`: it fails with that type. */
  expected: 'ACTIVE' | 'FlowError';
}

export interface FleetOptions {
  /** Name prefix of the flows (letters, digits, `-`). */
  prefix: string;
  count: number;
  /** Every n-th flow (1-based) ends in ERROR. */
  errorEvery: number;
  /** Range of each flow's STARTING phase, in milliseconds, drawn with `seed`. */
  startingMs: [min: number, max: number];
  /** Seed of the draw, so a failing run can be repeated. @default 7 */
  seed?: number;
}

/** Creates the fleet in the simulator, every flow in STANDBY. */
export function createFleet(sim: MediaConnectSimulator, options: FleetOptions): FleetFlow[] {
  const random = seededRandom(options.seed ?? 7);
  const [min, max] = options.startingMs;
  return Array.from({ length: options.count }, (_, i) => {
    const fails = (i + 1) % options.errorEvery === 0;
    const flowArn = sim.createFlow({
      name: `${options.prefix}-${String(i + 1).padStart(3, '0')}`,
      startingDuration: Math.round(min + random() * (max - min)),
      outcome: fails ? 'ERROR' : 'ACTIVE',
      errorMessages: [`Simulated source failure of ${options.prefix}-${i + 1}`],
    });
    return { flowArn, expected: fails ? 'FlowError' : 'ACTIVE' };
  });
}

/** How a bring-up ended, as the caller sees it: `ACTIVE` or the failure's `type`. */
export async function outcomeOf(handle: WorkflowHandle): Promise<string> {
  try {
    const result = (await handle.result()) as { status: string };
    return result.status;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; name?: string } }).cause;
    return cause?.type ?? cause?.name ?? (err as Error).name;
  }
}

/** Counts of each value, e.g. `{ ACTIVE: 45, FlowError: 5 }`. */
export function tally(values: Iterable<string | number | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

/** Prints a suite's figures on one line of the CI log. */
export function printFigures(suite: string, figures: Record<string, unknown>): void {
  process.stdout.write(`\n[${suite}] ${JSON.stringify(figures)}\n`);
}

/** The environment of a worker process that uses the simulator. */
export function workerEnvFor(address: string, sim: MediaConnectSimulator, taskQueue: string, extra: Record<string, string> = {}): Record<string, string> {
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
    await waitFor('the worker to start', () => worker.output().includes('Worker running') || worker.child.exitCode !== null, timeoutMs);
  } catch (err) {
    await worker.stop('SIGKILL');
    throw new Error(`${(err as Error).message}; worker output:\n${worker.output()}`, { cause: err });
  }
  if (worker.child.exitCode !== null) throw new Error(`the worker exited early (code ${worker.child.exitCode}):\n${worker.output()}`);
  return worker;
}


export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
