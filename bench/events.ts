/**
 * Benchmark 5: the EventBridge fast path. The simulator emits MediaConnect's "Flow Status
 * Change" events and `forwardFlowStatusChange` (in this process, as a Lambda would call it)
 * signals the workflows; each contender runs without events, with events, and with events and a
 * long poll interval (the events wake the workflows, the timers are only the fallback), each on a
 * fresh simulator, worker and task queue.
 *
 * - Single flow, STARTING for D seconds, `runs` bring-ups at once with the defaults (poll every 2 s),
 *   request budget 100/s. Lag = the flow ACTIVE in the simulator → the result in the client.
 * - Fleet of N, STARTING for 30 s, the account's quota (5/s, burst 30) in the simulator and the
 *   worker's budget, the fleet's defaults. Lag per flow = the flow ACTIVE → its bring-up closed
 *   (the server's close time): the worst over the fleet is what an operator waits at most.
 * Status calls per flow = DescribeFlow calls about the flow, plus the fleet's ListFlows pages shared out.
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { startBringFleetOnline, startBringFlowOnline } from '../src/client';
import { forwardFlowStatusChange } from '../src/events/forward';
import { MediaConnectSimulator } from '../src/testing';
import { createMediaConnectClient, createWorker } from '../src/worker';
import { BUDGET } from './fleet';
import { median, within } from './support';

/** The value below which `share` of `values` lie (nearest rank). */
function percentile(values: number[], share: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

export interface EventsRow {
  contender: string;
  events: boolean;
  pollInterval: string;
  flows: number;
  durationS: number;
  medianLagMs: number;
  p95LagMs: number;
  worstLagMs: number;
  /** Status calls per flow: median and worst over the flows. */
  medianCallsPerFlow: number;
  worstCallsPerFlow: number;
  /** Events forwarded / signals sent. */
  forwarded: number;
  signals: number;
  failed: number;
}

interface Context {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  workflowBundlePath: string;
}

const silent = { info: () => undefined, warn: () => undefined };

/** A fresh simulator, worker and task queue; events forwarded when `events`. */
async function withSetUp<T>(
  ctx: Context,
  options: { events: boolean; budget: { requestsPerSecond: number; burst: number }; rateLimit: boolean },
  run: (sim: MediaConnectSimulator, taskQueue: string, counts: { forwarded: number; signals: number }) => Promise<T>,
): Promise<T> {
  const sim = await MediaConnectSimulator.start({ rateLimit: options.rateLimit ? BUDGET : false });
  const taskQueue = `bench-events-${randomUUID()}`;
  const mediaConnect = createMediaConnectClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const worker = await createWorker({
    connection: ctx.connection,
    namespace: ctx.namespace,
    taskQueue,
    mediaConnect,
    workflowBundlePath: ctx.workflowBundlePath,
    requestBudget: { ...options.budget, budgetId: `bench-budget-${taskQueue}` },
  });
  const running = worker.run();
  const counts = { forwarded: 0, signals: 0 };
  if (options.events)
    sim.emitStatusEvents({
      target: async (event) => {
        const result = await forwardFlowStatusChange(ctx.client, event, { logger: silent });
        counts.forwarded += 1;
        if (result.outcome === 'forwarded') counts.signals += result.signalled.length;
      },
    });
  try {
    return await run(sim, taskQueue, counts);
  } finally {
    worker.shutdown();
    await running;
    mediaConnect.destroy();
    await sim.stop();
  }
}

/** When the flow turned ACTIVE in the simulator: its accepted StartFlow plus D. */
function activeAt(sim: MediaConnectSimulator, flowArn: string, durationMs: number): number {
  const start = sim.calls({ operation: 'StartFlow', flowArn }).find((c) => c.httpStatus === 202);
  return start ? start.at + durationMs : NaN;
}

function summary(
  contender: string,
  events: boolean,
  pollInterval: string,
  durationS: number,
  lags: number[],
  calls: number[],
  counts: { forwarded: number; signals: number },
  failed: number,
): EventsRow {
  const ok = lags.filter(Number.isFinite);
  return {
    contender,
    events,
    pollInterval,
    flows: lags.length,
    durationS,
    medianLagMs: median(ok),
    p95LagMs: percentile(ok, 0.95),
    worstLagMs: ok.length ? Math.max(...ok) : NaN,
    medianCallsPerFlow: median(calls),
    worstCallsPerFlow: Math.max(...calls),
    ...counts,
    failed,
  };
}

const DEFAULT = 'default (2s)';
/** The poll interval with events on: the timers only catch what the events missed. */
const WITH_EVENTS_POLL_INTERVAL = '30s';
interface Variant {
  events: boolean;
  pollInterval: typeof DEFAULT | typeof WITH_EVENTS_POLL_INTERVAL;
}
const VARIANTS: Variant[] = [
  { events: false, pollInterval: DEFAULT },
  { events: true, pollInterval: DEFAULT },
  { events: true, pollInterval: WITH_EVENTS_POLL_INTERVAL },
];

async function singleFlows(
  ctx: Context,
  { events, pollInterval }: Variant,
  runs: number,
  durationS: number,
): Promise<EventsRow> {
  return withSetUp(
    ctx,
    { events, budget: { requestsPerSecond: 100, burst: 100 }, rateLimit: false },
    async (sim, taskQueue, counts) => {
      const flowArns = Array.from({ length: runs }, (_, i) =>
        sim.createFlow({ name: `Events-${durationS}s-${i}`, startingDuration: durationS * 1000 }),
      );
      const seen = await Promise.all(
        flowArns.map(async (flowArn) => {
          const handle = await startBringFlowOnline(
            ctx.client,
            { flowArn, ...(pollInterval !== DEFAULT && { pollInterval }) },
            { taskQueue },
          );
          return handle.result().then(
            () => Date.now(),
            () => NaN,
          );
        }),
      );
      const lags = flowArns.map((arn, i) => seen[i] - activeAt(sim, arn, durationS * 1000));
      const calls = flowArns.map((flowArn) => sim.calls({ operation: 'DescribeFlow', flowArn }).length);
      const failed = lags.filter(isNaN).length;
      return summary('bringFlowOnline', events, pollInterval, durationS, lags, calls, counts, failed);
    },
  );
}

async function fleet(
  ctx: Context,
  { events, pollInterval }: Variant,
  flows: number,
  capMs: number,
): Promise<EventsRow> {
  const startingMs = 30_000;
  return withSetUp(ctx, { events, budget: BUDGET, rateLimit: true }, async (sim, taskQueue, counts) => {
    const flowArns = Array.from({ length: flows }, (_, i) =>
      sim.createFlow({ name: `EventsFleet-${String(i).padStart(3, '0')}`, startingDuration: startingMs }),
    );
    const handle = await startBringFleetOnline(
      ctx.client,
      { flowArns, ...(pollInterval !== DEFAULT && { pollInterval }) },
      { taskQueue, workflowId: `bench-events-fleet-${randomUUID()}` },
    );
    const report = await within(handle.result(), capMs, () => undefined);
    if (!report) await handle.terminate('benchmark cap reached');
    const lags = await Promise.all(
      flowArns.map(async (flowArn) => {
        const [, , , , , , flowId, name] = flowArn.split(':');
        const child = await ctx.client.workflow.getHandle(`${handle.workflowId}/${name}-${flowId}`).describe();
        return (child.closeTime?.getTime() ?? NaN) - activeAt(sim, flowArn, startingMs);
      }),
    );
    const listShare = sim.calls({ operation: 'ListFlows' }).length / flows;
    const calls = flowArns.map((flowArn) => sim.calls({ operation: 'DescribeFlow', flowArn }).length + listShare);
    const failed = report?.failed ?? flows;
    return summary('bringFleetOnline', events, pollInterval, startingMs / 1000, lags, calls, counts, failed);
  });
}

/** The single-flow and fleet contenders: without events, with them, and with them and a long poll interval. */
export async function benchmarkEvents(
  ctx: Context,
  options: { runs: number; durationS: number; fleet: number; capMs: number },
): Promise<EventsRow[]> {
  const rows: EventsRow[] = [];
  for (const variant of VARIANTS) rows.push(await singleFlows(ctx, variant, options.runs, options.durationS));
  if (options.fleet > 0)
    for (const variant of VARIANTS) rows.push(await fleet(ctx, variant, options.fleet, options.capMs));
  return rows;
}
