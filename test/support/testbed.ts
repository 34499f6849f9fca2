import type { MediaConnectClientConfig } from '@aws-sdk/client-mediaconnect';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MediaConnectSimulator, type SimulatorOptions } from '../../src/testing';
import { createWorker, type CreateWorkerOptions } from '../../src/worker';
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
  /** Added to the MediaConnect client's test configuration (other credentials, a request timeout). */
  mediaConnect?: MediaConnectClientConfig;
  /** Added to the worker's options (tracing, a request budget). @default { requestBudget: false } */
  worker?: Partial<Omit<CreateWorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'mediaConnect'>>;
}

/** Starts a testbed; call `stop()` in `afterAll`. */
export async function startTestbed({
  server,
  taskQueue,
  simulator = { rateLimit: false },
  ...options
}: TestbedOptions): Promise<Testbed> {
  const [env, sim] = await Promise.all([
    server === 'dev' ? createDevServer() : createTimeSkippingServer(),
    MediaConnectSimulator.start(simulator),
  ]);
  const mediaConnect = mediaConnectClientFor(sim.endpoint, sim.region, options.mediaConnect);
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    mediaConnect,
    requestBudget: false,
    ...options.worker,
  });
  const running = worker.run();
  return {
    env,
    sim,
    taskQueue,
    async stop() {
      // Forwards of the simulator's events still under way use the client: let them end first.
      await sim.stopStatusEvents();
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

/**
 * A dev-server testbed held to one MediaConnect quota on both sides: the simulator answers 429 past
 * `quota`, and the worker keeps to it through a request budget of its own (`budget-<taskQueue>`).
 */
export function useQuotaTestbed(
  taskQueue: string,
  quota: { requestsPerSecond: number; burst: number },
  {
    worker,
    ...options
  }: Partial<Omit<TestbedOptions, 'server' | 'taskQueue' | 'simulator'>> & {
    resetSimulatorBeforeEach?: boolean;
  } = {},
): Testbed {
  return useTestbed({
    server: 'dev',
    taskQueue,
    simulator: { rateLimit: quota },
    ...options,
    worker: { ...worker, requestBudget: { ...quota, budgetId: `budget-${taskQueue}` } },
  });
}
