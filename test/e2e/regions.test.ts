/**
 * End to end, two regions: the real worker entry point in its own process (AWS_REGION=us-east-1,
 * AWS_ENDPOINT_URL_MEDIACONNECT pointing at the simulator, the request budget on) brings a primary
 * flow in us-east-1 and its backup in us-west-2 online on the Temporal dev server. The simulator
 * tells each request's region from its SigV4 credential scope, and answers a flow asked of the
 * wrong region with 404, as MediaConnect does.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBringFleetOnline, startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator } from '../../src/testing';
import { createDevServer } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const taskQueue = 'e2e-regions';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let worker: WorkerProcess;

beforeAll(async () => {
  [env, sim] = await Promise.all([
    createDevServer(),
    MediaConnectSimulator.start({ regions: ['us-east-1', 'us-west-2'] }),
  ]);
  worker = await startWorkerProcess(
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      AWS_ENDPOINT_URL_MEDIACONNECT: sim.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
    },
    90_000,
  );
}, 150_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await sim?.stop();
  await env?.teardown();
});

it('brings a us-east-1 flow and its us-west-2 backup online, each call in its flow’s region', async () => {
  const primary = sim.createFlow({ name: 'Primary', region: 'us-east-1', startingDescribes: 2 });
  const backup = sim.createFlow({ name: 'Backup', region: 'us-west-2', startingDescribes: 2 });
  const handles = await Promise.all(
    [primary, backup].map((flowArn) =>
      startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue }),
    ),
  );
  const results = await Promise.all(handles.map((handle) => handle.result()));

  expect(results).toEqual([
    expect.objectContaining({ flowArn: primary, status: 'ACTIVE', startedByWorkflow: true }),
    expect.objectContaining({ flowArn: backup, status: 'ACTIVE', startedByWorkflow: true }),
  ]);
  for (const [region, flowArn] of [
    ['us-east-1', primary],
    ['us-west-2', backup],
  ]) {
    const calls = sim.calls({ region }).filter((c) => c.operation !== 'ListFlows'); // the worker's start-up check lists its own region
    expect(calls.length).toBeGreaterThanOrEqual(3); // a check, the start, checks until ACTIVE
    expect(calls.filter((c) => c.flowArn !== flowArn || c.httpStatus === undefined || c.httpStatus >= 300)).toEqual([]);
    expect(calls.filter((c) => c.operation === 'StartFlow')).toHaveLength(1);
  }
  expect(Object.keys(sim.stats().byRegion).sort()).toEqual(['us-east-1', 'us-west-2']);
  // One request budget per account and region, each started by the first call of its region.
  for (const region of ['us-east-1', 'us-west-2']) {
    const budget = await env.client.workflow.getHandle(`mediaconnect-request-budget:${taskQueue}:${region}`).describe();
    expect(budget.status.name).toBe('RUNNING');
  }
});

it('brings a fleet that mixes regions online, reading each region’s flows in that region', async () => {
  sim.resetStats();
  const flowArns = [
    sim.createFlow({ name: 'FleetEast1', region: 'us-east-1', startingDescribes: 1 }),
    sim.createFlow({ name: 'FleetWest1', region: 'us-west-2', startingDescribes: 1 }),
    sim.createFlow({ name: 'FleetEast2', region: 'us-east-1', startingDescribes: 1 }),
    sim.createFlow({ name: 'FleetWest2', region: 'us-west-2', startingDescribes: 1 }),
  ];
  const handle = await startBringFleetOnline(
    env.client,
    { flowArns, pollInterval: '1s', childPollInterval: '1s' },
    { workflowId: 'e2e-regions-fleet', taskQueue },
  );
  const report = await handle.result();

  expect(report).toMatchObject({ active: 4, failed: 0, cancelled: 0 });
  const wrongRegion = sim.calls().filter((c) => c.flowArn !== undefined && c.flowArn.split(':')[3] !== c.region);
  expect(wrongRegion).toEqual([]);
  expect(sim.calls().filter((c) => c.httpStatus === 404)).toEqual([]);
  for (const region of ['us-east-1', 'us-west-2']) {
    expect(sim.calls({ region, operation: 'StartFlow' })).toHaveLength(2);
  }
});
