import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MediaConnectSimulator, type SimulatorOptions } from '../../src/testing';
import { createWorker } from '../../src/worker';
import { createDevServer, createTimeSkippingServer } from './temporal';
import { mediaConnectClientFor } from './aws';

/** A Temporal server, the MediaConnect simulator and an in-process worker between them. */
export interface Testbed {
  env: TestWorkflowEnvironment;
  sim: MediaConnectSimulator;
  taskQueue: string;
  /** Shuts the worker down and stops the server and the simulator. */
  stop(): Promise<void>;
}

export interface TestbedOptions {
  /** `time-skipping` (timers fire at once) or `dev` (the full dev server, real time). */
  server: 'time-skipping' | 'dev';
  taskQueue: string;
  /** @default { rateLimit: false } */
  simulator?: SimulatorOptions;
}

/** Starts a testbed; call `stop()` in `afterAll`. */
export async function startTestbed({ server, taskQueue, simulator = { rateLimit: false } }: TestbedOptions): Promise<Testbed> {
  const [env, sim] = await Promise.all([server === 'dev' ? createDevServer() : createTimeSkippingServer(), MediaConnectSimulator.start(simulator)]);
  const mediaConnect = mediaConnectClientFor(sim.endpoint, sim.region);
  const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, mediaConnect, requestBudget: false });
  const running = worker.run();
  return {
    env,
    sim,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
      await sim.stop();
      mediaConnect.destroy();
    },
  };
}

/**
 * Starts a testbed before the file's tests and stops it after them (optionally resetting the
 * simulator before each test). The returned object is filled in once `beforeAll` has run.
 */
export function useTestbed(options: TestbedOptions & { resetSimulatorBeforeEach?: boolean }): Testbed {
  const bed = {} as Testbed;
  beforeAll(async () => {
    Object.assign(bed, await startTestbed(options));
  }, 120_000);
  afterAll(() => bed.stop?.());
  if (options.resetSimulatorBeforeEach) beforeEach(() => bed.sim.reset());
  return bed;
}
