/**
 * A fault storm: every MediaConnect operation the worker sends may meet a 500, a 503, a 429 with
 * or without Retry-After, a dropped connection (applied or not) or an answer slower than the
 * activity's 10 s call timeout. Every bring-up must still reach its flow's outcome.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator } from '../../src/testing';
import { createDevServer } from '../support/temporal';
import { startWorkerProcess, workerEnvFor, type WorkerProcess } from '../support/worker-process';
import { createFleet, outcomeOf, printFigures, tally } from './fleet';

const taskQueue = 'reliability-fault-storm';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: false, seed: 13 })]);
  worker = await startWorkerProcess(workerEnvFor(env.address, sim, taskQueue));
}, 120_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await env?.teardown();
  await sim?.stop();
});

describe('a fault storm on every MediaConnect operation', () => {
  it('brings every flow to its outcome: ACTIVE ones complete, ERROR ones fail with FlowError', async () => {
    const began = Date.now();
    const fleet = createFleet(sim, { prefix: 'Storm', count: 20, errorEvery: 4, startingMs: [1_000, 4_000] });
    // Faults are tried in this order; each probability applies to the calls the earlier ones let through.
    sim.injectFault({ kind: 'internal', probability: 0.05 });
    sim.injectFault({ kind: 'unavailable', probability: 0.05 });
    // The two kinds of 429 are told apart by flow (the simulator records the kind, not the header):
    // even-numbered flows meet 429 with Retry-After: 1, odd-numbered ones 429 without it.
    fleet.forEach(({ flowArn }, i) =>
      sim.injectFault({ kind: 'throttle', flowArn, probability: 0.1, ...(i % 2 === 1 && { retryAfterSeconds: 1 }) }),
    );
    sim.injectFault({ kind: 'drop', applied: true, probability: 0.025 });
    sim.injectFault({ kind: 'drop', applied: false, probability: 0.025 });
    // Past the activity's 10 s call timeout: each costs a timeout and a retry, so keep it rare.
    sim.injectFault({ kind: 'slow', delayMs: 11_000, probability: 0.03 });

    const handles = await Promise.all(
      fleet.map(({ flowArn }) => startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue })),
    );
    const outcomes = await Promise.all(handles.map((handle) => outcomeOf(handle)));
    expect(outcomes).toEqual(fleet.map(({ expected }) => expected));

    const calls = sim.calls();
    const withRetryAfter = new Set(fleet.filter((_, i) => i % 2 === 1).map((f) => f.flowArn));
    const faults = tally(
      calls
        .filter((c) => c.fault !== undefined)
        .map((c) =>
          c.fault === 'throttle'
            ? withRetryAfter.has(c.flowArn ?? '')
              ? 'throttle with Retry-After'
              : 'throttle without Retry-After'
            : c.fault,
        ),
    );
    // A lost or late StartFlow answer is retried and finds the flow started: no flow that ends ACTIVE
    // was started twice. (A flow that already went to ERROR may legitimately be started again; a
    // start whose connection dropped after it was applied shows no 202 at all.)
    const accepted = fleet.map(
      ({ flowArn }) => sim.calls({ operation: 'StartFlow', flowArn }).filter((c) => c.httpStatus === 202).length,
    );
    expect(accepted.filter((n, i) => n > 1 && fleet[i].expected === 'ACTIVE')).toEqual([]);

    printFigures('fault-storm', {
      workflowsRun: fleet.length,
      expected: tally(fleet.map((f) => f.expected)),
      outcomes: tally(outcomes),
      calls: calls.length,
      faultsInjected: calls.filter((c) => c.fault !== undefined).length,
      faultsByKind: faults,
      faultsByOperation: tally(calls.filter((c) => c.fault !== undefined).map((c) => c.operation)),
      startFlowAcceptedPerFlow: tally(accepted),
      httpStatuses: sim.stats().byHttpStatus,
      wallMs: Date.now() - began,
    });
  }, 300_000);
});
