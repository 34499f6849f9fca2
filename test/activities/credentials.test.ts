/**
 * A worker whose AWS SDK finds no credentials fails a bring-up at once, with a message naming the
 * fix, instead of retrying a "network error" until the deadline. Time-skipping test server, a real
 * worker, the MediaConnect client's real signing path (its credential provider throws what the
 * SDK's default chain throws when it finds nothing).
 */
import { randomUUID } from 'node:crypto';
import { CredentialsProviderError } from '@smithy/property-provider';
import type { bringFlowOnline } from '../../src/workflows/bring-flow-online';
import { workflowFailure } from '../support/failures';
import { activityAttempts, historyOf } from '../support/history';
import { useTestbed } from '../support/testbed';

const taskQueue = 'missing-credentials-test';
const noCredentials = () =>
  Promise.reject(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));
const bed = useTestbed({ server: 'time-skipping', taskQueue, mediaConnect: { credentials: noCredentials } });

it('fails a bring-up with MissingCredentials after one attempt, naming the fix, without sending a request', async () => {
  const flowArn = bed.sim.createFlow({ name: 'NoCredentials' });
  const handle = await bed.env.client.workflow.start<typeof bringFlowOnline>('bringFlowOnline', {
    args: [{ flowArn, timeout: '5m' }],
    taskQueue,
    workflowId: `test-${randomUUID()}`,
  });
  const failure = await workflowFailure(handle.result());
  expect(failure.type).toBe('MissingCredentials');
  expect(failure.message).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*IAM role/);
  expect(activityAttempts(await historyOf(handle), 'describeFlow')).toEqual([1]);
  expect(bed.sim.calls()).toHaveLength(0);
});
