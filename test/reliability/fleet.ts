/**
 * Shared by the reliability suites: a fleet of simulated flows with known outcomes and the figures
 * each suite prints (the worker process: `test/support/worker-process.ts`).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { MediaConnectSimulator } from '../../src/testing';
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
