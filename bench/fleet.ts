/**
 * Benchmark 2: a fleet of N flows, STARTING for 30 s each, under the default account budget
 * (simulator: 5 requests/s, burst 30; worker: the request budget with the same limits), in an
 * account that may hold many other flows. Each contender gets a fresh simulator (a full bucket)
 * and, for the Temporal contenders, a fresh worker on a fresh task queue with a fresh budget, and
 * runs alone. For the Temporal contenders the rows also say what they cost in Temporal: history
 * events and bytes, and billable actions, read from every workflow's history afterwards.
 *
 * The floor is the time needed just to issue every StartFlow within the budget, plus D:
 * (N - burst) / rate + D.
 *
 * Taking a fleet offline (`benchmarkTakeFleetOffline`) is measured the same way: N ACTIVE flows,
 * STOPPING for 30 s after their StopFlow, the same floor.
 */
import { MediaConnectClient, StartFlowCommand, waitUntilFlowActive } from '@aws-sdk/client-mediaconnect';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { startBringFleetOnline, startBringFlowOnline, startTakeFleetOffline } from '../src/client';
import { MediaConnectSimulator, type SimulatedFlowOptions } from '../src/testing';
import { createMediaConnectClient, createWorker } from '../src/worker';
import { callRates, ResourceMeter, within } from './support';
import { addCosts, costOfWorkflows, type TemporalCost } from './temporal-cost';

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
  /** When the last accepted StartFlow (StopFlow, taking offline) arrived, ms after the contender began: the budget's pace. */
  startsDoneMs: number;
  /** Other calls that reached MediaConnect before the last StartFlow (StopFlow), by operation: what delayed them. */
  callsBeforeStartsDone: Record<string, number>;
  peakCallsPerSecond: number;
  firstSecondCalls: number;
  cpuMs: number;
  peakRssMiB: number;
  /** Flows in the account besides the fleet's. */
  otherFlows: number;
  /** Every workflow the contender ran, its request budget included. */
  cost?: TemporalCost;
  /** The fleet workflow's own history. */
  fleetHistory?: { events: number; bytes: number };
  /** The largest bring-up's history, bytes. */
  largestBringUpBytes?: number;
  /** Where the fleet's time went, read from its history (reads, workflow task waits, child completions). */
  fleetTimeline?: string;
  /** The fleet's result (its report), JSON bytes. */
  resultBytes?: number;
  note?: string;
}

export const BUDGET = { requestsPerSecond: 5, burst: 30 };
const STARTING_MS = 30_000;

/** Which way the fleet goes: the flows' status before, the write that moves them, the status after. */
interface Direction {
  flowOptions: Omit<SimulatedFlowOptions, 'name'>;
  write: 'StartFlow' | 'StopFlow';
  done: 'ACTIVE' | 'STANDBY';
}
const ONLINE: Direction = { flowOptions: { startingDuration: STARTING_MS }, write: 'StartFlow', done: 'ACTIVE' };
/** STOPPING lasts as long as STARTING does in the bring-up rows, so the floor is the same. */
const OFFLINE: Direction = {
  flowOptions: { status: 'ACTIVE', stoppingDuration: STARTING_MS },
  write: 'StopFlow',
  done: 'STANDBY',
};

interface Context {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  workflowBundlePath: string;
}

interface RunOutcome {
  failedWorkflows: number;
  note?: string;
  /** The fleet's workflow id, if the contender is one. */
  fleetId?: string;
  /** The bring-ups' workflow ids. */
  bringUpIds?: string[];
  /** The fleet's result, JSON bytes. */
  resultBytes?: number;
}

type Run = (env: {
  sim: MediaConnectSimulator;
  flowArns: string[];
  taskQueue: string;
  capMs: number;
}) => Promise<RunOutcome>;

export function floorMs(flows: number): number {
  return (Math.max(0, flows - BUDGET.burst) / BUDGET.requestsPerSecond) * 1000 + STARTING_MS;
}

/** Runs one contender on a fresh simulator (and worker), bounded by `capMs`. */
async function measure(
  ctx: Context,
  contender: string,
  flows: number,
  capMs: number,
  run: Run,
  withWorker: boolean,
  otherFlows = 0,
  direction = ONLINE,
): Promise<FleetRow> {
  const sim = await MediaConnectSimulator.start({ rateLimit: BUDGET });
  if (otherFlows > 0) {
    sim.createFlows(Math.ceil(otherFlows / 2), { prefix: 'OnAir', status: 'ACTIVE' });
    sim.createFlows(Math.floor(otherFlows / 2), { prefix: 'Idle' });
  }
  const flowArns = Array.from({ length: flows }, (_, i) =>
    sim.createFlow({ name: `Fleet${flows}-${String(i).padStart(3, '0')}`, ...direction.flowOptions }),
  );
  const taskQueue = `bench-fleet-${randomUUID()}`;
  const budgetId = `bench-budget-${taskQueue}`;
  const mediaConnect = createMediaConnectClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const worker = withWorker
    ? await createWorker({
        connection: ctx.connection,
        namespace: ctx.namespace,
        taskQueue,
        mediaConnect,
        requestBudget: { ...BUDGET, budgetId },
        workflowBundlePath: ctx.workflowBundlePath,
      })
    : undefined;
  const running = worker?.run();
  const meter = new ResourceMeter();
  const startedAt = Date.now();
  let outcome: RunOutcome;
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
  const active = flowArns.filter((arn) => sim.flowStatus(arn) === direction.done).length;
  const rates = callRates(sim.calls(), startedAt);
  const starts = sim.calls({ operation: direction.write }).filter((c) => c.httpStatus === 202);
  const startsDoneMs = starts.length ? Math.max(...starts.map((c) => c.at)) - startedAt : NaN;
  const startsPer10s = new Map<number, number>();
  for (const c of starts) {
    const bucket = Math.floor((c.at - startedAt) / 10_000) * 10;
    startsPer10s.set(bucket, (startsPer10s.get(bucket) ?? 0) + 1);
  }
  const firstStartMs = starts.length ? Math.min(...starts.map((c) => c.at)) - startedAt : NaN;
  const startsTimeline = `first ${direction.write} at ${(firstStartMs / 1000).toFixed(1)} s; ${direction.write}s per 10 s: ${[
    ...startsPer10s,
  ]
    .sort(([a], [b]) => a - b)
    .map(([t, n]) => `${t}s:${n}`)
    .join(' ')}`;
  const callsBeforeStartsDone: Record<string, number> = {};
  for (const call of sim.calls())
    if (call.operation !== direction.write && call.at - startedAt <= startsDoneMs)
      callsBeforeStartsDone[call.operation] = (callsBeforeStartsDone[call.operation] ?? 0) + 1;
  await sim.stop();
  const temporalCost = withWorker ? await costOf(ctx, outcome, budgetId) : {};
  const fleetTimeline = outcome.fleetId
    ? `${startsTimeline}\n${await timelineOf(ctx.client, outcome.fleetId, startedAt)}`
    : undefined;
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
    callsBeforeStartsDone,
    peakCallsPerSecond: rates.peakPerSecond,
    firstSecondCalls: rates.firstSecond,
    ...resources,
    otherFlows,
    ...temporalCost,
    fleetTimeline,
    resultBytes: outcome.resultBytes,
    note: outcome.note,
  };
}

/** What the contender's workflows (fleet, bring-ups, request budget) cost in Temporal. */
async function costOf(
  ctx: Context,
  outcome: RunOutcome,
  budgetId: string,
): Promise<Pick<FleetRow, 'cost' | 'fleetHistory' | 'largestBringUpBytes'>> {
  const bringUps = await costOfWorkflows(ctx.client, outcome.bringUpIds ?? []);
  const budget = await costOfWorkflows(ctx.client, [`${budgetId}:us-east-1`]); // one budget per region: `<budgetId>:<region>`
  const fleet = outcome.fleetId ? await costOfWorkflows(ctx.client, [outcome.fleetId]) : undefined;
  const total = [budget, ...(fleet ? [fleet] : [])].reduce(addCosts, bringUps);
  return {
    cost: total,
    fleetHistory: fleet && { events: fleet.events, bytes: fleet.bytes },
    largestBringUpBytes: bringUps.largestHistoryBytes,
  };
}

/**
 * The fleet's timeline from its history, seconds after the contender began: each read (scheduled,
 * started, completed), the workflow tasks' waits for a worker, and the bring-ups completed per 10 s.
 */
async function timelineOf(client: Client, fleetId: string, startedAt: number): Promise<string> {
  const events = (await client.workflow.getHandle(fleetId).fetchHistory()).events ?? [];
  const at = (e: temporal.api.history.v1.IHistoryEvent) =>
    (Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - startedAt) / 1000;
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const reads = events
    .filter((e) => e.activityTaskCompletedEventAttributes)
    .map((e) => {
      const { scheduledEventId, startedEventId } = e.activityTaskCompletedEventAttributes ?? {};
      return { e, scheduled: byId.get(String(scheduledEventId)), startedEventId };
    })
    .filter(
      ({ scheduled }) => scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === 'readFlowStatuses',
    )
    .map(({ e, scheduled, startedEventId }) => {
      const started = byId.get(String(startedEventId));
      return scheduled && started ? `${at(scheduled).toFixed(1)}/${at(started).toFixed(1)}/${at(e).toFixed(1)}` : '?';
    });
  const taskWaits = events
    .filter((e) => e.workflowTaskStartedEventAttributes)
    .map((e) => at(e) - at(byId.get(String(Number(e.eventId) - 1)) ?? e));
  const taskRuns = events
    .filter((e) => e.workflowTaskCompletedEventAttributes)
    .map((e) => at(e) - at(byId.get(String(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? e));
  const completions = new Map<number, number>();
  for (const e of events)
    if (e.childWorkflowExecutionCompletedEventAttributes) {
      const bucket = Math.floor(at(e) / 10) * 10;
      completions.set(bucket, (completions.get(bucket) ?? 0) + 1);
    }
  const worst = (xs: number[]) =>
    [...xs]
      .sort((a, b) => b - a)
      .slice(0, 5)
      .map((x) => x.toFixed(1))
      .join(', ');
  return [
    `reads scheduled/started/completed (s): ${reads.join('; ')}`,
    `workflow tasks: ${taskWaits.length}, longest waits for a worker (s): ${worst(taskWaits)}; longest runs (s): ${worst(taskRuns)}`,
    ...(completions.size > 0
      ? [`bring-ups completed per 10 s: ${[...completions].map(([t, n]) => `${t}s:${n}`).join(' ')}`]
      : []),
    `fleet closed at ${at(events[events.length - 1]).toFixed(1)} s`,
  ].join('\n');
}

const fleetWorkflow =
  (ctx: Context, maxConcurrent?: number): Run =>
  async ({ flowArns, taskQueue, capMs }) => {
    // Started as a user starts it: with the search attributes, like the independent bring-ups.
    const handle = await startBringFleetOnline(
      ctx.client,
      { flowArns, ...(maxConcurrent !== undefined && { maxConcurrent }) },
      { taskQueue, workflowId: `bench-fleet-${randomUUID()}` },
    );
    const report = await within(handle.result(), capMs, () => undefined);
    const ids = {
      fleetId: handle.workflowId,
      bringUpIds: flowArns.map((arn) => `${handle.workflowId}/${arn.split(':')[7]}-${arn.split(':')[6]}`),
    };
    if (!report) {
      await handle.terminate('benchmark cap reached');
      return { failedWorkflows: 1, note: `cap of ${capMs / 1000} s reached`, ...ids };
    }
    return { failedWorkflows: report.failed, ...ids };
  };

const takeFleetWorkflow =
  (ctx: Context): Run =>
  async ({ flowArns, taskQueue, capMs }) => {
    const handle = await startTakeFleetOffline(
      ctx.client,
      { flowArns },
      { taskQueue, workflowId: `bench-offline-${randomUUID()}` },
    );
    const report = await within(handle.result(), capMs, () => undefined);
    if (!report) {
      await handle.terminate('benchmark cap reached');
      return { failedWorkflows: 1, note: `cap of ${capMs / 1000} s reached`, fleetId: handle.workflowId };
    }
    const resultBytes = Buffer.byteLength(JSON.stringify(report));
    return { failedWorkflows: report.failed, fleetId: handle.workflowId, resultBytes };
  };

const independentWorkflows =
  (ctx: Context): Run =>
  async ({ flowArns, taskQueue, capMs }) => {
    const handles = await Promise.all(
      flowArns.map((flowArn) => startBringFlowOnline(ctx.client, { flowArn }, { taskQueue })),
    );
    const settled = handles.map((h) =>
      h.result().then(
        () => 'ok' as const,
        () => 'failed' as const,
      ),
    );
    const results = await within(Promise.all(settled), capMs, () => undefined);
    const bringUpIds = handles.map((h) => h.workflowId);
    if (!results) {
      await Promise.all(handles.map((h) => h.terminate('benchmark cap reached').catch(() => undefined)));
      return { failedWorkflows: flowArns.length, note: `cap of ${capMs / 1000} s reached`, bringUpIds };
    }
    return { failedWorkflows: results.filter((r) => r === 'failed').length, bringUpIds };
  };

const sdkWaiters: Run = async ({ sim, flowArns, capMs }) => {
  // As an SDK user writes it: the SDK's default retries (3 attempts, backoff) and the waiter's own.
  const sdk = new MediaConnectClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
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

/**
 * Issue 10's big account: a fleet of `flows` in an account that holds `otherFlows` other flows
 * (half ACTIVE, half STANDBY), the fleet alone: what its reads cost as the account grows.
 */
export async function benchmarkBigAccount(
  ctx: Context,
  flows: number,
  otherFlows: number,
  capMs: number,
): Promise<FleetRow[]> {
  return [await measure(ctx, 'bringFleetOnline', flows, capMs, fleetWorkflow(ctx), true, otherFlows)];
}

/**
 * A fleet of `flows` ACTIVE flows taken offline with `takeFleetOffline` (STOPPING for 30 s), in an
 * account that holds `otherFlows` other flows: StopFlows are writes in the request budget, and the
 * fleet's reads go ahead of them.
 */
export async function benchmarkTakeFleetOffline(
  ctx: Context,
  flows: number,
  otherFlows: number,
  capMs: number,
): Promise<FleetRow[]> {
  return [await measure(ctx, 'takeFleetOffline', flows, capMs, takeFleetWorkflow(ctx), true, otherFlows, OFFLINE)];
}

/** The contenders for one fleet size, one after the other. */
export async function benchmarkFleet(
  ctx: Context,
  flows: number,
  capMs: number,
  contenders: readonly string[] = FLEET_CONTENDERS,
): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  if (contenders.includes('fleet')) {
    rows.push(await measure(ctx, 'bringFleetOnline', flows, capMs, fleetWorkflow(ctx), true));
    // What the first design's default of 100 slots costs once the fleet is larger than that.
    if (flows > 100)
      rows.push(await measure(ctx, 'bringFleetOnline maxConcurrent=100', flows, capMs, fleetWorkflow(ctx, 100), true));
  }
  if (contenders.includes('independent'))
    rows.push(await measure(ctx, `${flows} x bringFlowOnline`, flows, capMs, independentWorkflows(ctx), true));
  if (contenders.includes('sdk'))
    rows.push(await measure(ctx, `${flows} x SDK waiter`, flows, capMs, sdkWaiters, false));
  return rows;
}
