/**
 * Cancelling an activity (workflow cancelled, start-to-close timeout) aborts its HTTP request:
 * nothing keeps waiting on MediaConnect for an answer nobody will read. A call that gets no
 * answer within the activity's call timeout fails, retryably, on its own.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { MediaConnectSimulator } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';

let sim: MediaConnectSimulator;
beforeAll(async () => {
  sim = await MediaConnectSimulator.start({ rateLimit: false });
});
afterAll(() => sim?.stop());

it('aborts the HTTP request at once when the activity is cancelled, and reports the cancellation', async () => {
  const flowArn = sim.createFlow({ name: 'SlowAnswer' });
  sim.injectFault({ operation: 'DescribeFlow', kind: 'slow', delayMs: 20_000 });
  const client = mediaConnectClientFor(sim.endpoint, sim.region);
  const env = new MockActivityEnvironment();
  const { describeFlow } = createActivities({ client });

  const began = Date.now();
  const running = env.run(describeFlow, { flowArn });
  setTimeout(() => env.cancel(), 300);
  const error = await running.then(
    () => undefined,
    (err: Error) => err,
  );
  const tookMs = Date.now() - began;
  client.destroy();

  expect(error?.name).toMatch(/AbortError|CancelledFailure/); // not an ApplicationFailure: the worker reports it as cancelled
  expect(tookMs).toBeLessThan(15_000); // the 20 s answer was not waited for (a generous bound, for a busy machine)
  expect(sim.calls({ operation: 'DescribeFlow' })).toHaveLength(1);
});

it('gives up on a call with no answer within callTimeoutMs, as a retryable NetworkError that names the timeout', async () => {
  sim.reset();
  const flowArn = sim.createFlow({ name: 'NoAnswer' });
  sim.injectFault({ operation: 'DescribeFlow', kind: 'slow', delayMs: 20_000 });
  const client = mediaConnectClientFor(sim.endpoint, sim.region);
  const { describeFlow } = createActivities({ client, callTimeoutMs: 500 });

  const began = Date.now();
  const error = await new MockActivityEnvironment().run(describeFlow, { flowArn }).then(
    () => undefined,
    (err: unknown) => err,
  );
  const tookMs = Date.now() - began;
  client.destroy();

  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({
    type: 'NetworkError',
    nonRetryable: false,
    message: expect.stringMatching(/DescribeFlow for .*NoAnswer failed: no answer from MediaConnect within 0\.5 s/),
  });
  expect(tookMs).toBeLessThan(15_000); // not the 20 s answer
});
