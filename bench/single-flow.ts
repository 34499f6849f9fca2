/**
 * Benchmark 1: one flow whose STARTING phase lasts D seconds, in real time. Detection lag is
 * the time from the flow turning ACTIVE in the simulator (its StartFlow's arrival + D) to the
 * client holding the result.
 *
 * Every run of every D and contender goes at once, against one simulator with its rate limit
 * off and a worker whose request budget is wide (100/s): a single flow never needs the account's
 * quota, and running them side by side keeps the benchmark short without them queueing behind
 * each other. The budget's reservation round trip is still part of every call.
 */
import { MediaConnectClient, StartFlowCommand, waitUntilFlowActive } from '@aws-sdk/client-mediaconnect';
import type { Client } from '@temporalio/client';
import { startBringFlowOnline } from '../src/client';
import type { MediaConnectSimulator } from '../src/testing';
import { median } from './support';

export type SingleFlowContender = 'bringFlowOnline (defaults)' | 'SDK waitUntilFlowActive';

export interface SingleFlowSample {
  contender: SingleFlowContender;
  durationS: number;
  /** ms from ACTIVE in the simulator to the result in the client; NaN when the run failed. */
  lagMs: number;
  describeCalls: number;
  listCalls: number;
  /** Events in the workflow's history (undefined for the SDK waiter). */
  historyEvents?: number;
  error?: string;
}

export interface SingleFlowRow {
  contender: SingleFlowContender;
  durationS: number;
  runs: number;
  medianLagMs: number;
  worstLagMs: number;
  medianStatusCalls: number;
  worstStatusCalls: number;
  historyEvents?: number;
  failures: number;
}

interface Context {
  sim: MediaConnectSimulator;
  client: Client;
  taskQueue: string;
  /** A client as an SDK user builds it: the SDK's default retries. */
  sdk: MediaConnectClient;
}

async function viaWorkflow(ctx: Context, durationS: number, run: number): Promise<SingleFlowSample> {
  const flowArn = ctx.sim.createFlow({ name: `Single-${durationS}s-wf-${run}`, startingDuration: durationS * 1000 });
  const sample = { contender: 'bringFlowOnline (defaults)' as const, durationS };
  try {
    const handle = await startBringFlowOnline(ctx.client, { flowArn }, { taskQueue: ctx.taskQueue });
    await handle.result();
    const seenAt = Date.now();
    const history = await ctx.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
    return {
      ...sample,
      lagMs: seenAt - activeAt(ctx.sim, flowArn, durationS),
      ...statusCalls(ctx.sim, flowArn),
      historyEvents: history.events?.length ?? 0,
    };
  } catch (err) {
    return { ...sample, lagMs: NaN, ...statusCalls(ctx.sim, flowArn), error: (err as Error).message };
  }
}

async function viaSdkWaiter(ctx: Context, durationS: number, run: number): Promise<SingleFlowSample> {
  const flowArn = ctx.sim.createFlow({ name: `Single-${durationS}s-sdk-${run}`, startingDuration: durationS * 1000 });
  const sample = { contender: 'SDK waitUntilFlowActive' as const, durationS };
  try {
    await ctx.sdk.send(new StartFlowCommand({ FlowArn: flowArn }));
    await waitUntilFlowActive({ client: ctx.sdk, maxWaitTime: 600 }, { FlowArn: flowArn });
    return { ...sample, lagMs: Date.now() - activeAt(ctx.sim, flowArn, durationS), ...statusCalls(ctx.sim, flowArn) };
  } catch (err) {
    return { ...sample, lagMs: NaN, ...statusCalls(ctx.sim, flowArn), error: (err as Error).message };
  }
}

/** When the flow turned ACTIVE in the simulator: its accepted StartFlow plus D. */
function activeAt(sim: MediaConnectSimulator, flowArn: string, durationS: number): number {
  const start = sim.calls({ operation: 'StartFlow', flowArn }).find((c) => c.httpStatus === 202);
  if (!start) throw new Error(`no accepted StartFlow for ${flowArn}`);
  return start.at + durationS * 1000;
}

function statusCalls(sim: MediaConnectSimulator, flowArn: string) {
  return { describeCalls: sim.calls({ operation: 'DescribeFlow', flowArn }).length, listCalls: 0 };
}

/** Runs `runs` bring-ups per D and contender, all at once, and summarises them per (contender, D). */
export async function benchmarkSingleFlow(
  ctx: Context,
  durationsS: number[],
  runs: number,
): Promise<{ rows: SingleFlowRow[]; samples: SingleFlowSample[] }> {
  const jobs: Array<Promise<SingleFlowSample>> = [];
  for (const durationS of durationsS) {
    for (let run = 0; run < runs; run++) {
      jobs.push(viaWorkflow(ctx, durationS, run), viaSdkWaiter(ctx, durationS, run));
    }
  }
  const samples = await Promise.all(jobs);
  const rows: SingleFlowRow[] = [];
  for (const contender of ['bringFlowOnline (defaults)', 'SDK waitUntilFlowActive'] as const) {
    for (const durationS of durationsS) {
      const mine = samples.filter((s) => s.contender === contender && s.durationS === durationS);
      const ok = mine.filter((s) => !s.error);
      const calls = mine.map((s) => s.describeCalls + s.listCalls);
      const history = ok.map((s) => s.historyEvents).filter((h): h is number => h !== undefined);
      rows.push({
        contender,
        durationS,
        runs: mine.length,
        medianLagMs: median(ok.map((s) => s.lagMs)),
        worstLagMs: ok.length ? Math.max(...ok.map((s) => s.lagMs)) : NaN,
        medianStatusCalls: median(calls),
        worstStatusCalls: Math.max(...calls),
        historyEvents: history.length ? median(history) : undefined,
        failures: mine.length - ok.length,
      });
    }
  }
  return { rows, samples };
}
