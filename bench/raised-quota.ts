/**
 * Benchmark 3: an account with a raised quota (50 requests/s, burst 100) whose calls come from 4
 * workers sharing one request budget: a fleet of 1000 flows (STARTING for 30 s), and 1000
 * DescribeFlows scheduled at once (nothing but the budget paces them). The question is whether
 * the budget workflow keeps up: the updates per second it served, the time every call
 * waited for its reservation's round trip on top of its slot, the calls MediaConnect throttled,
 * and the total against the floor ((N - burst) / rate + D).
 *
 * The 4 workers, the simulator and the client share this process (and its event loop), as in the
 * other benchmarks: the round trips include that.
 */
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaConnectSimulator } from '../src/testing';
import { createMediaConnectClient, createWorker } from '../src/worker';
import { requestBudgetQuery } from '../src/workflows/request-budget-workflow';
import type { bringFleetOnline } from '../src/workflows';
import type { describeAll } from './raised-quota-workflows';
import { callRates, median, ResourceMeter, seconds, table, within } from './support';

export const RAISED_QUOTA = { requestsPerSecond: 50, burst: 100 };
const STARTING_MS = 30_000;

export interface RaisedQuotaRow {
  contender: string;
  flows: number;
  workers: number;
  totalMs: number;
  floorMs: number;
  active: number;
  calls: number;
  throttled: number;
  /** When the last accepted StartFlow (describeAll: DescribeFlow) arrived, ms after the run began, and the best the quota allows. */
  startsDoneMs: number;
  startsFloorMs: number;
  peakCallsPerSecond: number;
  /** Reservation updates the budget served, over the time it was asked, and in its busiest second. */
  updates: number;
  updatesPerSecond: number;
  peakUpdatesPerSecond: number;
  /** Tokens per update, on average. */
  tokensPerUpdate: number;
  /** The reservation round trip each call waited on top of its slot, ms. */
  addedWaitMs: { p50: number; p95: number; max: number };
  granted: number;
  cpuMs: number;
  peakRssMiB: number;
  note?: string;
}

interface Context {
  client: Client;
  /** The dev server's address: each worker gets a connection of its own, as separate worker processes would. */
  address: string;
  namespace: string;
}

/** What drives the calls: the fleet workflow (real bring-ups, 30 s STARTING), or one DescribeFlow per flow all at once (nothing but the budget paces them). */
export type RaisedQuotaContender = 'bringFleetOnline' | 'describeAll';

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

/** Runs one contender, with `workers` workers that share one budget, bounded by `capMs`. */
export async function benchmarkRaisedQuota(
  ctx: Context,
  contender: RaisedQuotaContender,
  flows: number,
  workers: number,
  capMs: number,
): Promise<RaisedQuotaRow> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./raised-quota-workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const workflowBundlePath = path.join(tmpdir(), `raised-quota-workflows-${randomUUID()}.js`);
  writeFileSync(workflowBundlePath, code);
  const sim = await MediaConnectSimulator.start({ rateLimit: RAISED_QUOTA });
  const flowArns = sim.createFlows(flows, { prefix: 'Raised', startingDuration: STARTING_MS });
  const taskQueue = `bench-raised-${randomUUID()}`;
  const budgetId = `bench-raised-budget-${taskQueue}`;
  const updates: Array<{ at: number; requests: number; roundTripMs: number }> = [];
  const running: Array<{ worker: Worker; done: Promise<void>; close(): Promise<void> }> = [];
  for (let i = 0; i < workers; i += 1) {
    const connection = await NativeConnection.connect({ address: ctx.address });
    const mediaConnect = createMediaConnectClient({
      endpoint: sim.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const worker = await createWorker({
      connection,
      namespace: ctx.namespace,
      taskQueue,
      mediaConnect,
      workflowBundlePath,
      requestBudget: {
        ...RAISED_QUOTA,
        budgetId,
        onReservation: ({ requests, roundTripMs }) => updates.push({ at: Date.now(), requests, roundTripMs }),
      },
    });
    running.push({
      worker,
      done: worker.run(),
      close: async () => {
        mediaConnect.destroy();
        await connection.close();
      },
    });
  }
  const meter = new ResourceMeter();
  const startedAt = Date.now();
  const workflowId = `bench-raised-${randomUUID()}`;
  const handle =
    contender === 'bringFleetOnline'
      ? await ctx.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
          args: [{ flowArns }],
          taskQueue,
          workflowId,
        })
      : await ctx.client.workflow.start<typeof describeAll>('describeAll', { args: [flowArns], taskQueue, workflowId });
  const report = await within(
    handle.result().then((r) => (typeof r === 'number' ? { failed: flows - r } : r)),
    capMs,
    () => undefined,
  );
  const totalMs = Date.now() - startedAt;
  const resources = meter.stop();
  if (!report) await handle.terminate('benchmark cap reached');
  const progress = await ctx.client.workflow.getHandle(`${budgetId}:us-east-1`).query(requestBudgetQuery);
  for (const w of running) w.worker.shutdown();
  for (const w of running) {
    await w.done;
    await w.close();
  }
  const stats = sim.stats();
  const done =
    contender === 'bringFleetOnline'
      ? flowArns.filter((arn) => sim.flowStatus(arn) === 'ACTIVE').length
      : flows - (report?.failed ?? flows);
  const paced = sim
    .calls({ operation: contender === 'bringFleetOnline' ? 'StartFlow' : 'DescribeFlow' })
    .filter((c) => c.httpStatus === 202 || c.httpStatus === 200);
  const rates = callRates(sim.calls(), startedAt);
  await sim.stop();
  rmSync(workflowBundlePath, { force: true });

  // Every call in an update waited that update's round trip.
  const waits = updates.flatMap((u) => Array<number>(u.requests).fill(u.roundTripMs)).sort((a, b) => a - b);
  const span = updates.length > 1 ? (updates.at(-1)!.at - updates[0].at) / 1000 : NaN;
  const perSecond = new Map<number, number>();
  for (const u of updates)
    perSecond.set(
      Math.floor((u.at - startedAt) / 1000),
      (perSecond.get(Math.floor((u.at - startedAt) / 1000)) ?? 0) + 1,
    );
  const startsFloorMs = (Math.max(0, flows - RAISED_QUOTA.burst) / RAISED_QUOTA.requestsPerSecond) * 1000;
  return {
    contender,
    flows,
    workers,
    totalMs: done === flows ? totalMs : NaN,
    floorMs: startsFloorMs + (contender === 'bringFleetOnline' ? STARTING_MS : 0),
    active: done,
    calls: stats.total,
    throttled: stats.throttled,
    startsDoneMs: paced.length ? Math.max(...paced.map((c) => c.at)) - startedAt : NaN,
    startsFloorMs,
    peakCallsPerSecond: rates.peakPerSecond,
    updates: updates.length,
    updatesPerSecond: updates.length / span,
    peakUpdatesPerSecond: Math.max(0, ...perSecond.values()),
    tokensPerUpdate: waits.length / Math.max(1, updates.length),
    addedWaitMs: { p50: median(waits), p95: percentile(waits, 95), max: waits.at(-1) ?? NaN },
    granted: progress.granted,
    ...resources,
    note: report ? (report.failed ? `${report.failed} failed` : undefined) : `cap of ${capMs / 1000} s reached`,
  };
}

export function raisedQuotaTable(rows: RaisedQuotaRow[]): string {
  return table(
    [
      'contender',
      'flows',
      'workers',
      'total (s)',
      'floor (s)',
      'vs floor',
      'paced calls done (s)',
      'their floor (s)',
      'done',
      'calls',
      'throttled',
      'peak calls/s',
      'updates',
      'updates/s (peak)',
      'tokens/update',
      'added wait p50 / p95 / max (ms)',
      'granted',
      'CPU (s)',
      'peak RSS (MiB)',
      'note',
    ],
    rows.map((r) => [
      r.contender,
      r.flows,
      r.workers,
      seconds(r.totalMs),
      seconds(r.floorMs),
      Number.isFinite(r.totalMs) ? `${((r.totalMs / r.floorMs - 1) * 100).toFixed(1)}%` : 'n/a',
      seconds(r.startsDoneMs),
      seconds(r.startsFloorMs),
      `${r.active}/${r.flows}`,
      r.calls,
      r.throttled,
      r.peakCallsPerSecond,
      r.updates,
      `${r.updatesPerSecond.toFixed(1)} (${r.peakUpdatesPerSecond})`,
      r.tokensPerUpdate.toFixed(1),
      `${Math.round(r.addedWaitMs.p50)} / ${Math.round(r.addedWaitMs.p95)} / ${Math.round(r.addedWaitMs.max)}`,
      r.granted,
      seconds(r.cpuMs),
      r.peakRssMiB,
      r.note ?? '',
    ]),
  );
}
