/**
 * The request budget (`mediaConnectRequestBudget`) on a real dev server, with the simulator's
 * account-wide token bucket (5 requests/s, burst 30) standing in for MediaConnect's quota: the
 * budget lets the burst through at once, keeps every worker that names it under the quota,
 * refuses (without calling MediaConnect) a request that cannot wait for its token, backs off
 * when a 429 comes anyway, and keeps its state across continue-as-new.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type Worker } from '@temporalio/worker';
import { ListFlowsCommand } from '@aws-sdk/client-mediaconnect';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RequestBudgetOptions } from '../../src/activities/request-budget';
import { RequestBudgetNames, type RequestTokenGrant, type RequestTokensRequest } from '../../src/common/request-budget';
import { MediaConnectSimulator } from '../../src/testing';
import { createWorker } from '../../src/worker';
import type { bringFleetOnline, BringFleetOnlineResult } from '../../src/workflows/bring-fleet-online';
import { requestBudgetQuery, type mediaConnectRequestBudget } from '../../src/workflows/request-budget';
import { mediaConnectClientFor } from '../support/aws';
import { historyOf } from '../support/history';
import { createDevServer } from '../support/temporal';
import { temporal } from '@temporalio/proto';
import type { describeWithin } from './fixtures/budget-probe-workflows';

const EventType = temporal.api.enums.v1.EventType;
const QUOTA = { requestsPerSecond: 5, burst: 30 };

let env: TestWorkflowEnvironment;
let client: Client;
let sim: MediaConnectSimulator;
let bundleDir: string;
let workflowBundlePath: string;
const running: Array<{ worker: Worker; done: Promise<void>; close(): void }> = [];

beforeAll(async () => {
  [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: QUOTA })]);
  client = env.client;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/budget-probe-workflows'), logger: new DefaultLogger('WARN') });
  bundleDir = mkdtempSync(path.join(tmpdir(), 'budget-test-'));
  workflowBundlePath = path.join(bundleDir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);
}, 180_000);

async function stopWorkers(): Promise<void> {
  for (const w of running.splice(0)) {
    w.worker.shutdown();
    await w.done;
    w.close();
  }
}

afterEach(stopWorkers);

afterAll(async () => {
  await env?.teardown();
  await sim?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

beforeEach(() => sim.reset());

/** Starts an in-process worker on `taskQueue` whose activities ask `requestBudget`. */
async function startWorker(taskQueue: string, requestBudget: RequestBudgetOptions): Promise<void> {
  const mediaConnect = mediaConnectClientFor(sim.endpoint, sim.region);
  const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, mediaConnect, workflowBundlePath, requestBudget });
  running.push({ worker, done: worker.run(), close: () => mediaConnect.destroy() });
}

function createFlows(prefix: string, count: number, startingDuration = 500): string[] {
  return Array.from({ length: count }, (_, i) => sim.createFlow({ name: `${prefix}${i}`, startingDuration }));
}

function runFleet(taskQueue: string, flowArns: string[]): Promise<BringFleetOnlineResult> {
  return client.workflow.execute<typeof bringFleetOnline>('bringFleetOnline', { args: [{ flowArns, pollInterval: '1s' }], taskQueue, workflowId: `fleet-${randomUUID()}` });
}

function budget(budgetId: string) {
  return client.workflow.getHandle<typeof mediaConnectRequestBudget>(budgetId);
}

/** Books `count` tokens of a budget directly, as a worker's activities would. */
function book(budgetId: string, taskQueue: string, maxWaitsMs: number[]): Promise<RequestTokenGrant[]> {
  return client.workflow.executeUpdateWithStart<typeof mediaConnectRequestBudget, RequestTokenGrant[], [RequestTokensRequest]>(RequestBudgetNames.reserveUpdate, {
    args: [{ limits: QUOTA, maxWaitsMs }],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof mediaConnectRequestBudget>(RequestBudgetNames.workflowType, {
      workflowId: budgetId,
      taskQueue,
      args: [{ limits: QUOTA }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

describe('the MediaConnect request budget', () => {
  it('lets a fleet spend the account’s burst at once, then its rate, and MediaConnect answers no 429', async () => {
    const taskQueue = `budget-burst-${randomUUID()}`;
    const budgetId = `budget-${taskQueue}`;
    await startWorker(taskQueue, { ...QUOTA, budgetId });
    const flowArns = createFlows('Burst', 60);

    const report = await runFleet(taskQueue, flowArns);

    expect(report).toMatchObject({ active: 60, failed: 0 });
    const stats = sim.stats();
    expect(stats.throttled).toBe(0);
    const starts = sim.calls({ operation: 'StartFlow' }).filter((c) => c.httpStatus === 202);
    expect(starts).toHaveLength(60);
    const first = Math.min(...sim.calls().map((c) => c.at));
    // The burst: a task-queue rate limit of 5/s lets about 8 through in the first 1.5 s.
    expect(starts.filter((c) => c.at - first <= 1_500).length).toBeGreaterThanOrEqual(25);
    // Every call the simulator saw had its token.
    expect((await budget(budgetId).query(requestBudgetQuery)).granted).toBe(stats.total);
  });

  it('keeps workers on two task queues that name one budget under the quota together; with a budget each they draw 429s', async () => {
    const run = async (shared: boolean) => {
      sim.reset();
      const [queueA, queueB] = [`budget-a-${randomUUID()}`, `budget-b-${randomUUID()}`];
      const sharedBudget = { ...QUOTA, budgetId: `budget-shared-${queueA}`, taskQueue: queueA };
      await startWorker(queueA, shared ? sharedBudget : { ...QUOTA, budgetId: `budget-own-${queueA}` });
      await startWorker(queueB, shared ? sharedBudget : { ...QUOTA, budgetId: `budget-own-${queueB}` });
      const reports = await Promise.all([runFleet(queueA, createFlows(`A${shared}`, 40)), runFleet(queueB, createFlows(`B${shared}`, 40))]);
      await stopWorkers();
      return { active: reports[0].active + reports[1].active, throttled: sim.stats().throttled };
    };

    const shared = await run(true);
    const separate = await run(false);

    expect(shared).toEqual({ active: 80, throttled: 0 });
    expect(separate.active).toBe(80); // 429s are retried...
    expect(separate.throttled).toBeGreaterThan(0); // ...but two budgets overspend one account
  });

  it('refuses a request that cannot wait for its token, before calling MediaConnect, and the retried attempt calls once', async () => {
    const taskQueue = `budget-refuse-${randomUUID()}`;
    const budgetId = `budget-${taskQueue}`;
    await startWorker(taskQueue, { ...QUOTA, budgetId });
    const [flowArn] = createFlows('Refused', 1);
    // Another worker has booked 60 requests: the next token is about 6 s away.
    await book(budgetId, taskQueue, Array(60).fill(3_600_000));

    // A 13 s start-to-close leaves 2 s to wait (10 s for the call, 1 s to report).
    const handle = await client.workflow.start<typeof describeWithin>('describeWithin', { args: [flowArn, '13s'], taskQueue, workflowId: `probe-${randomUUID()}` });
    const result = await handle.result();

    expect(result).toMatchObject({ flowArn, status: 'STANDBY' });
    const started = (await historyOf(handle)).find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)?.activityTaskStartedEventAttributes;
    expect(started?.attempt).toBeGreaterThan(1);
    expect(started?.lastFailure?.applicationFailureInfo?.type).toBe('RequestBudgetExhausted');
    expect(started?.lastFailure?.message).toMatch(/booked \d+\.\d s ahead, longer than this attempt can wait \(2\.\d s\)/);
    expect(sim.calls({ operation: 'DescribeFlow' })).toHaveLength(1);
    expect((await budget(budgetId).query(requestBudgetQuery)).refused).toBeGreaterThanOrEqual(1);
  });

  it('backs off when MediaConnect answers 429 anyway (another tool spent the quota), and every flow still comes online', async () => {
    const taskQueue = `budget-429-${randomUUID()}`;
    const budgetId = `budget-${taskQueue}`;
    await startWorker(taskQueue, { ...QUOTA, budgetId });
    const flowArns = createFlows('Contended', 10);
    // Someone else empties the account's bucket just before the fleet starts.
    const other = mediaConnectClientFor(sim.endpoint, sim.region);
    await Promise.allSettled(Array.from({ length: QUOTA.burst }, () => other.send(new ListFlowsCommand({}))));
    other.destroy();

    const report = await runFleet(taskQueue, flowArns);

    expect(report).toMatchObject({ active: 10, failed: 0 });
    const progress = await budget(budgetId).query(requestBudgetQuery);
    expect(progress.throttled).toBeGreaterThanOrEqual(1);
    // After the first 429 the budget spaced the retries: far fewer 429s than calls.
    expect(sim.stats().throttled).toBeLessThan(sim.stats().total / 2);
  });

  it('continues as new after its run’s share of updates, carrying its bucket and its counts', async () => {
    const taskQueue = `budget-can-${randomUUID()}`;
    const budgetId = `budget-${taskQueue}`;
    await startWorker(taskQueue, { ...QUOTA, budgetId });
    const first = await client.workflow.start<typeof mediaConnectRequestBudget>('mediaConnectRequestBudget', { args: [{ limits: QUOTA, updatesPerRun: 5 }], taskQueue, workflowId: budgetId });

    const grants: RequestTokenGrant[] = [];
    for (let i = 0; i < 12; i += 1) grants.push(...(await book(budgetId, taskQueue, [3_600_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000])));

    // 12 updates at 5 per run: two continue-as-new, and a third run holds the last two.
    const runs = [];
    for (let runId: string | undefined = first.firstExecutionRunId; runId; ) {
      runs.push(runId);
      const events: temporal.api.history.v1.IHistoryEvent[] = (await client.workflow.getHandle(budgetId, runId).fetchHistory()).events ?? [];
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runs).toHaveLength(3);
    const progress = await budget(budgetId).query(requestBudgetQuery);
    expect(progress.granted).toBe(60);
    // The bucket's debt came along: 60 tokens at 5/s from a bucket of 30, so about 6 s ahead, not 0.
    expect(grants.at(-1)!.waitMs).toBeGreaterThan(4_000);
    expect(progress.bookedAheadMs).toBeGreaterThan(2_000);
  });
});
