/**
 * Durable execution across a Temporal outage: the dev server is stopped in the middle of a
 * bring-up of 20 flows and started again on the same port and the same database file. The
 * worker process keeps running through the outage and reconnects; every bring-up completes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator } from '../../src/testing';
import { startWorkerProcess, workerEnvFor, type WorkerProcess } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { DevServerProcess } from '../support/dev-server-process';
import { createFleet, outcomeOf, printFigures, sleep, tally } from './fleet';

const taskQueue = 'reliability-server-restart';
/** How long Temporal stays down once it has exited. */
const OUTAGE_MS = 5_000;
const dir = mkdtempSync(path.join(tmpdir(), 'temporal-restart-'));
let server: DevServerProcess;
let sim: MediaConnectSimulator;
let worker: WorkerProcess | undefined;
let connection: Connection | undefined;

beforeAll(async () => {
  [server, sim] = await Promise.all([
    DevServerProcess.start(path.join(dir, 't.db')),
    MediaConnectSimulator.start({ rateLimit: false, seed: 12 }),
  ]);
}, 120_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await connection?.close();
  await server?.stop();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Worker log lines at WARN or above, other than the expected FlowError failures: what it said about the outage. */
function complaints(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /"level":"(WARN|ERROR)"/.test(line) && !line.includes('"message":"Workflow failed"'));
}

describe('the Temporal server stopped and restarted on the same database mid-run', () => {
  it('completes every bring-up with its flow’s outcome, with the same worker process reconnecting', async () => {
    const began = Date.now();
    const fleet = createFleet(sim, { prefix: 'Outage', count: 20, errorEvery: 5, startingMs: [3_000, 8_000] });
    worker = await startWorkerProcess(workerEnvFor(server.address, sim, taskQueue));
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });

    const handles = await Promise.all(
      fleet.map(({ flowArn }) => startBringFlowOnline(client, { flowArn, pollInterval: '1s' }, { taskQueue })),
    );
    const statuses = () => tally(fleet.map(({ flowArn }) => sim.flowStatus(flowArn)));
    await waitFor('3 flows to be ACTIVE', () => (statuses().ACTIVE ?? 0) >= 3, 90_000);
    const atStop = { flowStatuses: statuses(), simulatorCalls: sim.stats().total };

    const stoppedAt = Date.now();
    const howItStopped = await server.stop();
    const stopTookMs = Date.now() - stoppedAt;
    await sleep(OUTAGE_MS);
    const callsDuringOutage = sim.calls().filter((c) => c.at > stoppedAt + stopTookMs).length;
    const workerAliveDuringOutage = worker.child.exitCode === null && worker.child.signalCode === null;
    const restartedAt = Date.now();
    await server.restart();
    const restartTookMs = Date.now() - restartedAt;

    const outcomes = await Promise.all(handles.map((handle) => outcomeOf(handle)));
    expect({ workerAliveDuringOutage, workerAliveAfter: worker.child.exitCode === null }).toEqual({
      workerAliveDuringOutage: true,
      workerAliveAfter: true,
    });
    expect(outcomes).toEqual(fleet.map(({ expected }) => expected));
    const startAnswers = fleet.map(
      ({ flowArn }) => sim.calls({ operation: 'StartFlow', flowArn }).filter((c) => c.httpStatus === 202).length,
    );
    expect(startAnswers).toEqual(fleet.map(() => 1));

    const workerComplaints = complaints(worker.output());
    printFigures('server-restart', {
      workflowsRun: fleet.length,
      expected: tally(fleet.map((f) => f.expected)),
      outcomes: tally(outcomes),
      atStop,
      serverStoppedBy: howItStopped,
      stopTookMs,
      outageMs: OUTAGE_MS + stopTookMs + restartTookMs,
      restartTookMs,
      mediaConnectCallsDuringOutage: callsDuringOutage,
      allClosedAfterRestartMs: Date.now() - restartedAt - restartTookMs,
      workerWarningsAboutTheOutage: workerComplaints.length,
      workerWarningSample: workerComplaints.slice(0, 3).map((line) => line.slice(0, 300)),
      wallMs: Date.now() - began,
    });
  }, 300_000);
});
