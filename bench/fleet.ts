/**
 * Benchmark 2: a fleet of N flows, STARTING for 30 s each, under the default account budget
 * (simulator: 5 requests/s, burst 30; worker: the request budget with the same limits). Each
 * contender gets a fresh simulator (a full bucket) and, for the Temporal contenders, a fresh
 * worker on a fresh task queue with a fresh budget, and runs alone.
 *
 * The floor is the time needed just to issue every StartFlow within the budget, plus D:
 * (N - burst) / rate + D.
 */
import { MediaConnectClient, StartFlowCommand, waitUntilFlowActive } from '@aws-sdk/client-mediaconnect';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { startBringFlowOnline } from '../src/client';
import { MediaConnectSimulator } from '../src/testing';
import { createMediaConnectClient, createWorker } from '../src/worker';
import type { bringFleetOnline } from '../src/workflows';
import { callRates, ResourceMeter, within } from './support';

export type FleetContender = 'bringFleetOnline' | `${number} x bringFlowOnline` | `${number} x SDK waiter`;

export interface FleetRow {
  contender: string;
  flows: number;
  totalMs: number;
  floorMs: number;
  active: number;
  failedWorkflows: number;
  calls: number;
  throttled: number;
  byOperation: Record<string, number>;
  /** When the last accepted StartFlow arrived, ms after the contender began: the budget's pace. */
  startsDoneMs: number;
  peakCallsPerSecond: number;
  firstSecondCalls: number;
  cpuMs: number;
  peakRssMiB: number;
  note?: string;
}

export const BUDGET = { requestsPerSecond: 5, burst: 30 };
const STARTING_MS = 30_000;

interface Context {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  workflowBundlePath: string;
}

type Run = (env: { sim: MediaConnectSimulator; flowArns: string[]; taskQueue: string; capMs: number }) => Promise<{ failedWorkflows: number; note?: string }>;

export function floorMs(flows: number): number {
  return (Math.max(0, flows - BUDGET.burst) / BUDGET.requestsPerSecond) * 1000 + STARTING_MS;
}

/** Runs one contender on a fresh simulator (and worker), bounded by `capMs`. */
async function measure(ctx: Context, contender: string, flows: number, capMs: number, run: Run, withWorker: boolean): Promise<FleetRow> {
  const sim = await MediaConnectSimulator.start({ rateLimit: BUDGET });
  const flowArns = Array.from({ length: flows }, (_, i) => sim.createFlow({ name: `Fleet${flows}-${String(i).padStart(3, '0')}`, startingDuration: STARTING_MS }));
  const taskQueue = `bench-fleet-${randomUUID()}`;
  const mediaConnect = createMediaConnectClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const worker = withWorker
    ? await createWorker({ connection: ctx.connection, namespace: ctx.namespace, taskQueue, mediaConnect, requestBudget: { ...BUDGET, budgetId: `bench-budget-${taskQueue}` }, workflowBundlePath: ctx.workflowBundlePath })
    : undefined;
  const running = worker?.run();
  const meter = new ResourceMeter();
  const startedAt = Date.now();
  let outcome: { failedWorkflows: number; note?: string };
  try {
    outcome = await run({ sim, flowArns, taskQueue, capMs });
  } catch (err) {
    outcome = { failedWorkflows: flows, note: `contender crashed: ${(err as Error).message}` };
  }
  const totalMs = Date.now() - startedAt;
  const resources = meter.stop();
  worker?.shutdown();
  await running;
  mediaConnect.destroy();
  const stats = sim.stats();
  const active = flowArns.filter((arn) => sim.flowStatus(arn) === 'ACTIVE').length;
  const rates = callRates(sim.calls(), startedAt);
  const starts = sim.calls({ operation: 'StartFlow' }).filter((c) => c.httpStatus === 202);
  const startsDoneMs = starts.length ? Math.max(...starts.map((c) => c.at)) - startedAt : NaN;
  await sim.stop();
  return {
    contender,
    flows,
    totalMs: active === flows ? totalMs : NaN,
    floorMs: floorMs(flows),
    active,
    failedWorkflows: outcome.failedWorkflows,
    calls: stats.total,
    throttled: stats.throttled,
    byOperation: stats.byOperation,
    startsDoneMs,
    peakCallsPerSecond: rates.peakPerSecond,
    firstSecondCalls: rates.firstSecond,
    ...resources,
    note: outcome.note,
  };
}

const fleetWorkflow = (ctx: Context, maxConcurrent?: number): Run => async ({ flowArns, taskQueue, capMs }) => {
  const handle = await ctx.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
    args: [{ flowArns, ...(maxConcurrent !== undefined && { maxConcurrent }) }],
    taskQueue,
    workflowId: `bench-fleet-${randomUUID()}`,
  });
  const report = await within(handle.result(), capMs, () => undefined);
  if (!report) {
    await handle.terminate('benchmark cap reached');
    return { failedWorkflows: 1, note: `cap of ${capMs / 1000} s reached` };
  }
  return { failedWorkflows: report.failed };
};

const independentWorkflows = (ctx: Context): Run => async ({ flowArns, taskQueue, capMs }) => {
  const handles = await Promise.all(flowArns.map((flowArn) => startBringFlowOnline(ctx.client, { flowArn }, { taskQueue })));
  const settled = handles.map((h) => h.result().then(() => 'ok' as const, () => 'failed' as const));
  const results = await within(Promise.all(settled), capMs, () => undefined);
  if (!results) {
    await Promise.all(handles.map((h) => h.terminate('benchmark cap reached').catch(() => undefined)));
    return { failedWorkflows: flowArns.length, note: `cap of ${capMs / 1000} s reached` };
  }
  return { failedWorkflows: results.filter((r) => r === 'failed').length };
};

const sdkWaiters: Run = async ({ sim, flowArns, capMs }) => {
  // As an SDK user writes it: the SDK's default retries (3 attempts, backoff) and the waiter's own.
  const sdk = new MediaConnectClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const errors: string[] = [];
  const one = async (flowArn: string) => {
    try {
      await sdk.send(new StartFlowCommand({ FlowArn: flowArn }));
      await waitUntilFlowActive({ client: sdk, maxWaitTime: Math.floor(capMs / 1000) }, { FlowArn: flowArn });
    } catch (err) {
      errors.push((err as Error).name);
      throw err;
    }
  };
  const results = await Promise.allSettled(flowArns.map(one));
  sdk.destroy();
  const failed = results.filter((r) => r.status === 'rejected').length;
  const names = [...new Set(errors)].map((name) => `${errors.filter((e) => e === name).length} ${name}`).join(', ');
  return { failedWorkflows: failed, note: failed ? `failed: ${names}` : undefined };
};

export const FLEET_CONTENDERS = ['fleet', 'independent', 'sdk'] as const;

/** The contenders for one fleet size, one after the other. */
export async function benchmarkFleet(ctx: Context, flows: number, capMs: number, contenders: readonly string[] = FLEET_CONTENDERS): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  if (contenders.includes('fleet')) {
    rows.push(await measure(ctx, 'bringFleetOnline', flows, capMs, fleetWorkflow(ctx), true));
    // What the first design's default of 100 slots costs once the fleet is larger than that.
    if (flows > 100) rows.push(await measure(ctx, 'bringFleetOnline maxConcurrent=100', flows, capMs, fleetWorkflow(ctx, 100), true));
  }
  if (contenders.includes('independent')) rows.push(await measure(ctx, `${flows} x bringFlowOnline`, flows, capMs, independentWorkflows(ctx), true));
  if (contenders.includes('sdk')) rows.push(await measure(ctx, `${flows} x SDK waiter`, flows, capMs, sdkWaiters, false));
  return rows;
}
