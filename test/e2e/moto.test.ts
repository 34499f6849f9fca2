/**
 * End to end: the Temporal dev server, the real worker entry point in its own process, and moto
 * (an independent MediaConnect emulator) over HTTP, selected with AWS_ENDPOINT_URL_MEDIACONNECT.
 */
import { CreateFlowCommand, DescribeFlowCommand, type MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  startBringFleetOnline,
  startBringFlowOnline,
  startTakeFlowOffline,
  takeFlowOfflineWorkflowId,
} from '../../src/client';
import { FlowNameSearchAttribute, FlowStatusSearchAttribute } from '../../src/common/search-attributes';
import { createDevServer } from '../support/temporal';
import { startMoto, type MotoServer } from '../support/moto';
import { mediaConnectClientFor } from '../support/aws';
import { spawnWorker, startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { activityAttempts, BUDGET_FAILURES, historyOf, lastFailureType, scheduledActivities } from '../support/history';
import { workflowFailure } from '../support/failures';

const taskQueue = 'e2e-moto';
let env: TestWorkflowEnvironment;
let moto: MotoServer;
let mediaConnect: MediaConnectClient;
let worker: WorkerProcess;

function workerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    AWS_ENDPOINT_URL_MEDIACONNECT: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
    ...overrides,
  };
}

async function createMotoFlow(name: string): Promise<string> {
  const { Flow } = await mediaConnect.send(
    new CreateFlowCommand({
      Name: name,
      Source: { Name: `${name}-source`, Protocol: 'rtp', WhitelistCidr: '10.0.0.0/16', IngestPort: 5000 },
    }),
  );
  return Flow!.FlowArn!;
}

beforeAll(async () => {
  [env, moto] = await Promise.all([createDevServer(), startMoto()]);
  mediaConnect = mediaConnectClientFor(moto.endpoint);
  worker = await startWorkerProcess(workerEnv(), 90_000);
}, 150_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  mediaConnect?.destroy();
  await moto?.stop();
  await env?.teardown();
});

describe('end to end against moto', () => {
  it('brings a flow created in moto online to ACTIVE', async () => {
    const flowArn = await createMotoFlow('AwardsShow');
    const handle = await startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue });
    const result = await handle.result();
    expect(result).toMatchObject({ flowArn, status: 'ACTIVE', startedByWorkflow: true });
    const { Flow } = await mediaConnect.send(new DescribeFlowCommand({ FlowArn: flowArn }));
    expect(Flow?.Status).toBe('ACTIVE');
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(FlowNameSearchAttribute)).toBe('AwardsShow');
    expect(description.typedSearchAttributes.get(FlowStatusSearchAttribute)).toBe('ACTIVE');
    expect(await description.staticSummary()).toBe('Bring AwardsShow online');
  });

  it('attaches a second start for the same flow to the running bring-up', async () => {
    const flowArn = await createMotoFlow('PressConference');
    const [first, second] = await Promise.all([
      startBringFlowOnline(env.client, { flowArn }, { taskQueue }),
      startBringFlowOnline(env.client, { flowArn }, { taskQueue }),
    ]);
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    expect(await first.result()).toMatchObject({ status: 'ACTIVE' });
  });

  it('brings a fleet of moto flows online with one ListFlows-watched bring-up per flow', async () => {
    const flowArns = await Promise.all(['FleetA', 'FleetB', 'FleetC'].map(createMotoFlow));
    // moto moves a flow from STARTING to ACTIVE only when it is described, never on its own, so
    // ListFlows alone would wait for ever: the bring-ups' own fallback checks do it here.
    const handle = await startBringFleetOnline(
      env.client,
      { flowArns, pollInterval: '1s', childPollInterval: '1s' },
      { workflowId: 'e2e-fleet', taskQueue },
    );
    const result = await handle.result();
    expect(result).toMatchObject({ active: 3, failed: 0, cancelled: 0 });
    expect(result.results.map((r) => r.outcome)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    const child = await env.client.workflow.getHandle(`e2e-fleet/FleetA-${flowArns[0].split(':')[6]}`).describe();
    expect(child.typedSearchAttributes.get(FlowStatusSearchAttribute)).toBe('ACTIVE');
    expect(await (await handle.describe()).staticSummary()).toBe('Bring 3 flows online');
  });

  it('refuses a fleet with a malformed ARN before anything starts', async () => {
    const bad = startBringFleetOnline(
      env.client,
      { flowArns: [await createMotoFlow('FleetOk'), 'arn:aws:s3:::bucket'] },
      { workflowId: 'e2e-bad-fleet', taskQueue },
    );
    await expect(bad).rejects.toMatchObject({
      type: 'InvalidFlowArn',
      message: expect.stringContaining('flowArns[1]'),
    });
    await expect(env.client.workflow.getHandle('e2e-bad-fleet').describe()).rejects.toThrow(/not found/i);
  });

  it('fails an unknown ARN with NotFoundException and no retries', async () => {
    const flowArn = 'arn:aws:mediaconnect:us-east-1:123456789012:flow:1-aaaaaaaaaaaaaaaa-bbbbbbbbbbbb:Ghost';
    const handle = await startBringFlowOnline(env.client, { flowArn }, { taskQueue });
    const failure = await workflowFailure(handle.result());
    expect(failure.type).toBe('NotFoundException');
    expect(failure.message).toContain(flowArn);
    // No retry after the refusal; an earlier attempt can only have ended in the request budget, without a call.
    const events = await historyOf(handle);
    const [attempt] = activityAttempts(events, 'describeFlow');
    if (attempt !== 1) expect(BUDGET_FAILURES).toContain(lastFailureType(events, 'describeFlow'));
  });

  it('takes a moto flow it brought online offline again: StopFlow, then STANDBY', async () => {
    const flowArn = await createMotoFlow('AfterShow');
    await (await startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue })).result();
    const handle = await startTakeFlowOffline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue });
    expect(handle.workflowId).toBe(takeFlowOfflineWorkflowId(flowArn));
    expect(await handle.result()).toMatchObject({ flowArn, status: 'STANDBY', stoppedByWorkflow: true });
    const { Flow } = await mediaConnect.send(new DescribeFlowCommand({ FlowArn: flowArn }));
    expect(Flow?.Status).toBe('STANDBY');
    expect(scheduledActivities(await historyOf(handle))).toEqual(['describeFlow', 'stopFlow', 'describeFlow']);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(FlowStatusSearchAttribute)).toBe('STANDBY');
    expect(await description.staticSummary()).toBe('Take AfterShow offline');
  });

  it('takes a moto flow that is already STANDBY offline at once, without a StopFlow', async () => {
    const flowArn = await createMotoFlow('NeverStarted');
    const handle = await startTakeFlowOffline(env.client, { flowArn }, { taskQueue });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: false, polls: 1 });
    expect(scheduledActivities(await historyOf(handle))).toEqual(['describeFlow']);
  });

  it('shuts the worker down cleanly on SIGTERM', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});

describe('a misconfigured worker', () => {
  it.each([
    ['no AWS region', { AWS_REGION: '' }, /AWS_REGION/],
    ['no credentials', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }, /No AWS credentials/],
    [
      'an unreachable MediaConnect endpoint',
      { AWS_ENDPOINT_URL_MEDIACONNECT: 'http://127.0.0.1:1' },
      /Cannot reach .*127\.0\.0\.1:1.*AWS_ENDPOINT_URL_MEDIACONNECT/,
    ],
    [
      'an endpoint that is not a URL',
      { AWS_ENDPOINT_URL_MEDIACONNECT: 'mediaconnect.local' },
      /AWS_ENDPOINT_URL_MEDIACONNECT must be an http\(s\) URL/,
    ],
    [
      'an unreachable Temporal',
      { TEMPORAL_ADDRESS: '127.0.0.1:1' },
      /Cannot connect to Temporal at 127\.0\.0\.1:1.*TEMPORAL_ADDRESS/,
    ],
    ['a malformed Temporal address', { TEMPORAL_ADDRESS: 'http://x' }, /TEMPORAL_ADDRESS must be host:port/],
    ['a bad rate limit', { MEDIACONNECT_MAX_REQUESTS_PER_SECOND: 'lots' }, /MEDIACONNECT_MAX_REQUESTS_PER_SECOND/],
    [
      'a fractional burst',
      { MEDIACONNECT_BURST: '2.5' },
      /MEDIACONNECT_BURST must be a whole number from 1 to 100000.*got "2\.5"/,
    ],
  ])(
    'exits with code 78 and a message naming the problem: %s',
    async (_label, overrides, message) => {
      const env = Object.fromEntries(Object.entries(workerEnv(overrides)).filter(([, v]) => v !== ''));
      const proc = spawnWorker(env);
      const code = await proc.exited;
      expect(proc.output()).toMatch(message);
      expect(code).toBe(78);
      expect(proc.output()).not.toContain('test-secret-not-real');
    },
    60_000,
  );
});
