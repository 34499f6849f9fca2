/**
 * The ready Lambda handler (`temporal-mediaconnect/lambda`) invoked the way Lambda invokes it,
 * with the sample events of `deploy/eventbridge/`, against a real dev server: configured from the
 * environment once, one connection for every invocation, malformed events dropped, a bad setting
 * or an unreachable Temporal thrown (so that Lambda retries).
 */
import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startBringFlowOnline } from '../../src/client';
import { createFlowStatusChangeHandler, forwarderSettingsFromEnv } from '../../src/events/lambda';
import { countEvents, historyOf } from '../support/history';
import { freePort } from '../support/ports';
import { createDevServer } from '../support/temporal';

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '../../deploy/eventbridge', name), 'utf8'));
const statusChange = sample('sample-flow-status-change.json') as { resources: string[] };
const outputHealth = sample('sample-output-health.json');
const silent = { info: () => undefined, warn: () => undefined };

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServer();
}, 120_000);
afterAll(() => env?.teardown());

/** Connection.connect, counted. */
function countingConnect() {
  const opened: Connection[] = [];
  return {
    opened,
    connect: async (options: ConnectionOptions) => {
      const connection = await Connection.connect(options);
      opened.push(connection);
      return connection;
    },
  };
}

describe('the Lambda handler', () => {
  it('forwards the sample event to the running bring-up, reusing one connection across invocations', async () => {
    const [flowArn] = statusChange.resources;
    // No worker serves this task queue: the bring-up stays Running, waiting for news.
    const bringUp = await startBringFlowOnline(env.client, { flowArn }, { taskQueue: 'lambda-test-no-worker' });
    const { opened, connect } = countingConnect();
    const handler = createFlowStatusChangeHandler({
      env: { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
      connect,
      forward: { logger: silent },
    });
    try {
      expect(await handler(statusChange)).toMatchObject({
        outcome: 'forwarded',
        flowArn,
        signalled: [bringUp.workflowId],
        change: { currentStatus: 'ACTIVE', previousStatus: 'STARTING' },
      });
      expect(await handler(statusChange)).toMatchObject({ signalled: [bringUp.workflowId] }); // a duplicate
      expect(await handler(outputHealth)).toEqual({
        outcome: 'dropped',
        reason: expect.stringContaining('detail-type is "MediaConnect Output Health"'),
      });
      expect(opened).toHaveLength(1);
      expect(countEvents(await historyOf(bringUp), 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toBe(2);
    } finally {
      await bringUp.terminate();
      await Promise.all(opened.map((connection) => connection.close()));
    }
  });

  it('throws while Temporal cannot be reached (Lambda retries), and connects on a later event', async () => {
    const { opened, connect } = countingConnect();
    let reachable = false;
    const closedPort = await freePort();
    const handler = createFlowStatusChangeHandler({
      env: { TEMPORAL_ADDRESS: env.address },
      connect: (options) =>
        connect(reachable ? options : { ...options, address: `127.0.0.1:${closedPort}`, connectTimeout: 500 }),
      forward: { logger: silent },
    });
    try {
      await expect(handler(statusChange)).rejects.toThrow();
      reachable = true;
      expect(await handler(statusChange)).toMatchObject({ outcome: 'forwarded', signalled: [] });
      expect(opened).toHaveLength(1);
    } finally {
      await Promise.all(opened.map((connection) => connection.close()));
    }
  });

  it('fails every event with the setting that cannot work, named', async () => {
    const handler = createFlowStatusChangeHandler({ env: { TEMPORAL_ADDRESS: 'temporal.example.com' } });
    await expect(handler(statusChange)).rejects.toThrow(/TEMPORAL_ADDRESS must be host:port/);
  });
});

describe('forwarderSettingsFromEnv', () => {
  it('reads the connection as the worker does, and the forwarder options', () => {
    expect(
      forwarderSettingsFromEnv({
        TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'ns.acct',
        TEMPORAL_API_KEY: 'secret-key',
        MEDIACONNECT_WATCHER_WORKFLOW_TYPES: 'eventDay, myEventDay',
        MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE: 'false',
      }),
    ).toEqual({
      connection: { address: 'ns.acct.tmprl.cloud:7233', apiKey: 'secret-key', tls: true },
      namespace: 'ns.acct',
      forward: { watcherWorkflowTypes: ['eventDay', 'myEventDay'], searchAttribute: false },
    });
    expect(forwarderSettingsFromEnv({})).toEqual({
      connection: { address: 'localhost:7233' },
      namespace: 'default',
      forward: { watcherWorkflowTypes: ['eventDay', 'takeFleetOffline'], searchAttribute: true },
    });
    expect(
      forwarderSettingsFromEnv({ MEDIACONNECT_WATCHER_WORKFLOW_TYPES: 'none' }).forward.watcherWorkflowTypes,
    ).toEqual([]);
  });

  it.each([
    [
      { MEDIACONNECT_WATCHER_WORKFLOW_TYPES: "eventDay' OR 'x" },
      /MEDIACONNECT_WATCHER_WORKFLOW_TYPES must be comma-separated/,
    ],
    [
      { MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE: 'yes' },
      /MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE must be "true" or "false"/,
    ],
    [{ TEMPORAL_ADDRESS: 'http://localhost:7233' }, /TEMPORAL_ADDRESS must be host:port/],
  ])('refuses %o, naming the variable', (variables, message) => {
    expect(() => forwarderSettingsFromEnv(variables)).toThrow(message);
  });
});
