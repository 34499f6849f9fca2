/**
 * A worker whose AWS SDK finds no credentials fails a bring-up at once, with a message naming the
 * fix, instead of retrying a "network error" until the deadline. Time-skipping test server, a real
 * worker, the MediaConnect client's real signing path (its credential provider throws what the
 * SDK's default chain throws when it finds nothing).
 */
import { randomUUID } from 'node:crypto';
import type { MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { CredentialsProviderError } from '@smithy/property-provider';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { MediaConnectSimulator } from '../../src/testing';
import { createMediaConnectClient, createWorker } from '../../src/worker';
import type { bringFlowOnline } from '../../src/workflows/bring-flow-online';
import { workflowFailure } from '../support/failures';
import { activityAttempts, historyOf } from '../support/history';
import { createTimeSkippingServer } from '../support/temporal';

const taskQueue = 'missing-credentials-test';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let worker: Worker;
let running: Promise<void>;
let mediaConnect: MediaConnectClient;
const noCredentials = () => Promise.reject(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));

beforeAll(async () => {
  [env, sim] = await Promise.all([createTimeSkippingServer(), MediaConnectSimulator.start({ rateLimit: false })]);
  mediaConnect = createMediaConnectClient({ endpoint: sim.endpoint, region: sim.region, credentials: noCredentials });
  worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, mediaConnect, requestBudget: false });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await sim?.stop();
  mediaConnect?.destroy();
});

it('fails a bring-up with MissingCredentials after one attempt, naming the fix, without sending a request', async () => {
  const flowArn = sim.createFlow({ name: 'NoCredentials' });
  const handle = await env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', {
    args: [{ flowArn, timeout: '5m' }],
    taskQueue,
    workflowId: `test-${randomUUID()}`,
  });
  const failure = await workflowFailure(handle.result());
  expect(failure.type).toBe('MissingCredentials');
  expect(failure.message).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*IAM role/);
  expect(activityAttempts(await historyOf(handle), 'describeFlow')).toEqual([1]);
  expect(sim.calls()).toHaveLength(0);
});
