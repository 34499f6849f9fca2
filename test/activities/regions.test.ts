/**
 * Every call goes to its flow's own region (the region in its ARN), through a client per region
 * built from the worker's one client, and draws on that region's request budget. The simulator
 * serves several regions and tells a request's region from its SigV4 credential scope.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type RequestBudget } from '../../src/activities';
import { MediaConnectSimulator } from '../../src/testing';
import { createMediaConnectClient } from '../../src/worker';
import { mediaConnectClientFor } from '../support/aws';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let sim: MediaConnectSimulator;
beforeAll(async () => {
  sim = await MediaConnectSimulator.start({ rateLimit: false, regions: ['us-east-1', 'us-west-2', 'eu-west-1'] });
});
afterAll(() => sim?.stop());
beforeEach(() => sim.reset());

/** Runs one activity as Temporal would (a context, heartbeats, cancellation). */
function run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment().run(activity, ...args);
}

/** A budget that grants at once and records what it was asked. */
function recordingBudget() {
  const acquired: string[] = [];
  const throttled: Array<{ region: string; retryAfterMs?: number }> = [];
  const budget: RequestBudget = {
    acquire(_maxWaitMs: number, region: string) {
      acquired.push(region);
      return Promise.resolve();
    },
    reportThrottled(region: string, retryAfterMs?: number) {
      throttled.push({ region, retryAfterMs });
      return Promise.resolve();
    },
  };
  return { budget, acquired, throttled };
}

it('sends each call to its flow’s region, through a client built from the worker’s client', async () => {
  const primary = sim.createFlow({ name: 'Primary', region: 'us-east-1', startingDescribes: 1 });
  const backup = sim.createFlow({ name: 'Backup', region: 'us-west-2', startingDescribes: 1 });
  const client = mediaConnectClientFor(sim.endpoint);
  const { startFlow, describeFlow, stopFlow } = createActivities({ client });

  expect(await run(startFlow, { flowArn: primary })).toMatchObject({ status: 'STARTING' });
  expect(await run(startFlow, { flowArn: backup })).toMatchObject({ status: 'STARTING' });
  expect(await run(describeFlow, { flowArn: backup })).toMatchObject({ status: 'STARTING' });
  expect(await run(stopFlow, { flowArn: backup })).toMatchObject({ status: 'STOPPING' });
  client.destroy();

  expect(sim.calls({ region: 'us-east-1' }).map((c) => [c.operation, c.flowArn, c.httpStatus])).toEqual([
    ['StartFlow', primary, 202],
  ]);
  expect(sim.calls({ region: 'us-west-2' }).map((c) => [c.operation, c.flowArn, c.httpStatus])).toEqual([
    ['StartFlow', backup, 202],
    ['DescribeFlow', backup, 200],
    ['StopFlow', backup, 202],
  ]);
  expect(sim.stats().byRegion).toEqual({ 'us-east-1': 1, 'us-west-2': 3 });
});

it('lists the flows of the region it is given, and of the worker’s region by default', async () => {
  const east = sim.createFlow({ name: 'East', region: 'us-east-1' });
  const west = sim.createFlow({ name: 'West', region: 'us-west-2', status: 'ACTIVE' });
  const client = mediaConnectClientFor(sim.endpoint);
  const { listFlowStatuses } = createActivities({ client });

  const inWest = await run(listFlowStatuses, { region: 'us-west-2' });
  const byDefault = await run(listFlowStatuses, {});
  client.destroy();

  expect(inWest.statuses).toEqual({ [west]: 'ACTIVE' });
  expect(byDefault.statuses).toEqual({ [east]: 'STANDBY' });
  expect(sim.calls({ operation: 'ListFlows' }).map((c) => c.region)).toEqual(['us-west-2', 'us-east-1']);
});

it('refuses a region that is not a region name, before any call', async () => {
  const client = mediaConnectClientFor(sim.endpoint);
  const { listFlowStatuses } = createActivities({ client });
  const error = await run(listFlowStatuses, { region: 'Mars/../1' }).catch((err: unknown) => err);
  client.destroy();
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({
    type: 'InvalidInput',
    nonRetryable: true,
    message: expect.stringContaining('"Mars/../1" is not an AWS region name'),
  });
  expect(sim.calls()).toHaveLength(0);
});

it('asks the budget of the flow’s region, and tells it of a throttle under another name', async () => {
  const backup = sim.createFlow({ name: 'Backup', region: 'eu-west-1' });
  sim.injectFault({
    operation: 'DescribeFlow',
    region: 'eu-west-1',
    kind: 'throttle',
    errorName: 'ThrottlingException',
    httpStatus: 400,
    retryAfter: '3',
    times: 1,
  });
  const client = mediaConnectClientFor(sim.endpoint);
  const { budget, acquired, throttled } = recordingBudget();
  const { describeFlow } = createActivities({ client, requestBudget: budget });

  const failure = await run(describeFlow, { flowArn: backup }).catch((err: unknown) => err);
  expect(failure).toMatchObject({ type: 'ThrottlingException', nonRetryable: false, nextRetryDelay: 3_000 });
  expect(await run(describeFlow, { flowArn: backup })).toMatchObject({ status: 'STANDBY' });
  client.destroy();

  expect(acquired).toEqual(['eu-west-1', 'eu-west-1']);
  expect(throttled).toEqual([{ region: 'eu-west-1', retryAfterMs: 3_000 }]);
});

it('honours AWS_ENDPOINT_URL_MEDIACONNECT in every region when the client names no endpoint', async () => {
  const backup = sim.createFlow({ name: 'Backup', region: 'us-west-2' });
  const saved = process.env.AWS_ENDPOINT_URL_MEDIACONNECT;
  process.env.AWS_ENDPOINT_URL_MEDIACONNECT = sim.endpoint; // read by the AWS SDK itself, at each call
  try {
    const client = createMediaConnectClient({ region: 'us-east-1', credentials });
    const { describeFlow } = createActivities({ client });
    expect(await run(describeFlow, { flowArn: backup })).toMatchObject({ status: 'STANDBY' });
    client.destroy();
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_MEDIACONNECT;
    else process.env.AWS_ENDPOINT_URL_MEDIACONNECT = saved;
  }
  expect(sim.calls().map((c) => [c.operation, c.region, c.httpStatus])).toEqual([['DescribeFlow', 'us-west-2', 200]]);
});
