/**
 * Cancelling an activity (workflow cancelled, start-to-close timeout) aborts its HTTP request:
 * nothing keeps waiting on MediaConnect for an answer nobody will read. A call that gets no
 * answer within the activity's call timeout fails, retryably, on its own.
 *
 * MediaConnect's answer here comes after 10 minutes, far past Jest's timeout: a test that ends at
 * all did not wait for it, so no duration is compared.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { MediaConnectSimulator } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';

/** Longer than any test may run (Jest's timeout is 2 min): an answer the activity can only abandon. */
const NO_ANSWER_WITHIN_THE_TEST_MS = 600_000;

let sim: MediaConnectSimulator;
beforeAll(async () => {
  sim = await MediaConnectSimulator.start({ rateLimit: false });
});
afterAll(() => sim?.stop());

it('aborts the HTTP request at once when the activity is cancelled, and reports the cancellation', async () => {
  const flowArn = sim.createFlow({ name: 'SlowAnswer' });
  sim.injectFault({ operation: 'DescribeFlow', kind: 'slow', delayMs: NO_ANSWER_WITHIN_THE_TEST_MS });
  const client = mediaConnectClientFor(sim.endpoint, sim.region);
  const env = new MockActivityEnvironment();
  const { describeFlow } = createActivities({ client });

  const running = env.run(describeFlow, { flowArn });
  setTimeout(() => env.cancel(), 300);
  const error = await running.then(
    () => undefined,
    (err: Error) => err,
  );
  client.destroy();

  // Not an ApplicationFailure (the call timeout's NetworkError): the worker reports it as cancelled.
  expect(error?.name).toMatch(/AbortError|CancelledFailure/);
  expect(sim.calls({ operation: 'DescribeFlow' })).toHaveLength(1);
});

it('gives up on a call with no answer within callTimeoutMs, as a retryable NetworkError that names the timeout', async () => {
  sim.reset();
  const flowArn = sim.createFlow({ name: 'NoAnswer' });
  sim.injectFault({ operation: 'DescribeFlow', kind: 'slow', delayMs: NO_ANSWER_WITHIN_THE_TEST_MS });
  const client = mediaConnectClientFor(sim.endpoint, sim.region);
  const { describeFlow } = createActivities({ client, callTimeoutMs: 500 });

  const error = await new MockActivityEnvironment().run(describeFlow, { flowArn }).then(
    () => undefined,
    (err: unknown) => err,
  );
  client.destroy();

  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({
    type: 'NetworkError',
    nonRetryable: false,
    message: expect.stringMatching(/DescribeFlow for .*NoAnswer failed: no answer from MediaConnect within 0\.5 s/),
  });
});
