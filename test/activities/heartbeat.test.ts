/**
 * An activity heartbeats from the moment it starts, not from the moment the request budget has
 * answered: the budget's answer (an update to its workflow) may take as long as the heartbeat
 * timeout, and an activity silent that long would be timed out although its worker is alive.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type RequestBudget } from '../../src/activities';
import { MediaConnectSimulator } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';

let sim: MediaConnectSimulator;
beforeAll(async () => {
  sim = await MediaConnectSimulator.start({ rateLimit: false });
});
afterAll(() => sim?.stop());

it('heartbeats while the request budget has not answered yet, then makes its call', async () => {
  const flowArn = sim.createFlow({ name: 'SlowBudget' });
  const client = mediaConnectClientFor(sim.endpoint, sim.region);
  let grantedAt: number | undefined;
  const slowBudget: RequestBudget = {
    async acquire() {
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // a reservation round trip that takes its time
      grantedAt = Date.now();
    },
    async reportThrottled() {},
  };
  const { describeFlow } = createActivities({ client, requestBudget: slowBudget });
  const env = new MockActivityEnvironment();
  const heartbeatsAt: number[] = [];
  env.on('heartbeat', () => heartbeatsAt.push(Date.now()));

  const result = await env.run(describeFlow, { flowArn });
  client.destroy();

  expect(result).toMatchObject({ flowArn, status: 'STANDBY' });
  expect(grantedAt).toBeDefined();
  expect(heartbeatsAt.filter((at) => at < grantedAt!).length).toBeGreaterThanOrEqual(1);
  expect(sim.calls({ operation: 'DescribeFlow' })).toHaveLength(1);
});
