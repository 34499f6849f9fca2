/**
 * Benchmarks: `npx tsx bench/run.ts [--quick]` (smoke run: `--durations 5 --runs 1 --fleets 40`;
 * one fleet contender: `--durations '' --fleets 100 --contenders fleet`; the raised-quota row
 * alone: `--durations '' --fleets '' --raised 1000x4`; the EventBridge rows alone:
 * `--durations '' --fleets '' --raised '' --big-account '' --events 5x10,100`; taking a fleet
 * offline alone: `--durations '' --fleets '' --raised '' --big-account '' --events '' --offline 1000x5000`).
 *
 * Runs against the MediaConnect simulator (in this process) and a real Temporal dev server
 * (`temporal server start-dev`, started here) with an in-process worker, every contender in the
 * same run, and prints Markdown tables. In-process means the CPU and memory figures include the
 * simulator and the client as well as the worker (the same for every contender).
 *
 * Bounded time: the full run takes about 25-30 minutes and at most about 75 (single flows wait
 * at most 10 min; every fleet contender is capped at 6 min for 100 flows, 12 min for 500);
 * `--quick` (D = 5 and 30 s, fleet of 100) about 6-8 minutes and at most about 20.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MediaConnectSimulator } from '../src/testing';
import { createMediaConnectClient, createWorker } from '../src/worker';
import { createDevServer } from '../test/support/temporal';
import {
  benchmarkBigAccount,
  benchmarkFleet,
  benchmarkTakeFleetOffline,
  BUDGET,
  FLEET_CONTENDERS,
  type FleetRow,
} from './fleet';
import { benchmarkRaisedQuota, RAISED_QUOTA, raisedQuotaTable } from './raised-quota';
import { actionsOf } from './temporal-cost';
import { benchmarkSingleFlow, type SingleFlowRow } from './single-flow';
import { benchmarkEvents, type EventsRow } from './events';
import { seconds, table } from './support';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Overrides, for a smoke run: comma-separated seconds / flow counts, and runs per D. */
    durations: { type: 'string' },
    fleets: { type: 'string' },
    runs: { type: 'string' },
    /** Comma-separated subset of fleet contenders: fleet, independent, sdk. */
    contenders: { type: 'string' },
    /** Issue 10's big account: other flows in the account ('' or 0: skip), and the fleet's size. */
    'big-account': { type: 'string' },
    'big-fleet': { type: 'string' },
    /** The raised-quota row: `<flows>x<workers>` (default 1000x4 in the full run, off with --quick; '' turns it off). */
    raised: { type: 'string' },
    /** The EventBridge rows: `<single flows at once>x<D seconds>,<fleet size>` (default 5x10,100; '' turns them off). */
    events: { type: 'string' },
    /** Taking a fleet offline: `<flows>[x<other flows in the account>]` (default 1000 in the full run, off with --quick; '' turns it off). */
    offline: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const list = (text: string | undefined, fallback: number[]) =>
  text === undefined ? fallback : text.split(',').filter(Boolean).map(Number);
const DURATIONS_S = list(args.durations, quick ? [5, 30] : [5, 30, 60, 90]);
const RUNS = Number(args.runs ?? 3);
const FLEETS = list(args.fleets, quick ? [100] : [100, 500]);
const CONTENDERS = args.contenders?.split(',') ?? FLEET_CONTENDERS;
const BIG_ACCOUNT = Number(args['big-account'] || (quick || args['big-account'] === '' ? 0 : 5000));
const BIG_FLEET = Number(args['big-fleet'] ?? 1000);
const RAISED = (args.raised ?? (quick ? '' : '1000x4')).split('x').filter(Boolean).map(Number);
const [EVENT_SINGLE = '', EVENT_FLEET = '0'] = (args.events ?? '5x10,100').split(',');
const [EVENT_RUNS, EVENT_D] = EVENT_SINGLE.split('x').map(Number);
const [OFFLINE_FLEET = 0, OFFLINE_OTHERS = 0] = (args.offline ?? (quick ? '' : '1000'))
  .split('x')
  .filter(Boolean)
  .map(Number);
const capMs = (flows: number) => (flows <= 100 ? 6 : 12) * 60_000;

function load(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')} on ${cpus().length} cores`;
}

function singleFlowTable(rows: SingleFlowRow[]): string {
  const baseline = new Map(rows.filter((r) => r.contender === 'SDK waitUntilFlowActive').map((r) => [r.durationS, r]));
  return table(
    [
      'contender',
      'D (s)',
      'runs',
      'lag median (s)',
      'lag worst (s)',
      'status calls median / worst',
      'target calls (D/2+3)',
      'history events',
      'failed',
      'worst lag vs SDK',
    ],
    rows.map((r) => [
      r.contender,
      r.durationS,
      r.runs,
      seconds(r.medianLagMs, 2),
      seconds(r.worstLagMs, 2),
      `${r.medianStatusCalls} / ${r.worstStatusCalls}`,
      Math.floor(r.durationS / 2 + 3),
      r.historyEvents ?? '-',
      r.failures,
      r.contender === 'SDK waitUntilFlowActive'
        ? 'baseline'
        : `${(r.worstLagMs / (baseline.get(r.durationS)?.worstLagMs ?? NaN)).toFixed(2)}x`,
    ]),
  );
}

/** A fleet row's time against its floor and its outcome: total, floor, vs floor, writes done, done / flows, failed, calls. */
function paceCells(r: FleetRow): Array<string | number> {
  return [
    seconds(r.totalMs),
    seconds(r.floorMs),
    Number.isFinite(r.totalMs) ? `${((r.totalMs / r.floorMs - 1) * 100).toFixed(1)}%` : 'n/a',
    seconds(r.startsDoneMs),
    `${r.active}/${r.flows}`,
    r.failedWorkflows,
    r.calls,
  ];
}

/** The other calls that reached MediaConnect before a row's last write, by operation. */
function callsBeforeWritesDone(r: FleetRow): string {
  return (
    Object.entries(r.callsBeforeStartsDone)
      .map(([operation, n]) => `${n} ${operation}`)
      .join(', ') || 'none'
  );
}

function fleetTable(rows: FleetRow[]): string {
  return table(
    [
      'contender',
      'flows',
      'total (s)',
      'floor (s)',
      'vs floor',
      'starts done (s)',
      'ACTIVE',
      'failed',
      'calls',
      'throttled',
      'Start/Describe/List',
      'peak calls/s',
      'calls 1st s',
      'CPU (s)',
      'peak RSS (MiB)',
      'note',
    ],
    rows.map((r) => [
      r.contender,
      r.flows,
      ...paceCells(r),
      `${r.throttled} (${((r.throttled / Math.max(1, r.calls)) * 100).toFixed(1)}%)`,
      `${r.byOperation.StartFlow ?? 0}/${r.byOperation.DescribeFlow ?? 0}/${r.byOperation.ListFlows ?? 0}`,
      r.peakCallsPerSecond,
      r.firstSecondCalls,
      seconds(r.cpuMs),
      r.peakRssMiB,
      r.note ?? '',
    ]),
  );
}

function eventsTable(rows: EventsRow[]): string {
  return table(
    [
      'contender',
      'events',
      'pollInterval',
      'flows',
      'D (s)',
      'lag median (s)',
      'lag p95 (s)',
      'lag worst (s)',
      'status calls / flow median / worst',
      'events forwarded',
      'signals sent',
      'failed',
      'fleet history',
      'bring-up history / flow',
    ],
    rows.map((r) => [
      r.contender,
      r.events ? 'yes' : 'no',
      r.pollInterval,
      r.flows,
      r.durationS,
      seconds(r.medianLagMs, 2),
      seconds(r.p95LagMs, 2),
      seconds(r.worstLagMs, 2),
      `${r.medianCallsPerFlow.toFixed(1)} / ${r.worstCallsPerFlow.toFixed(1)}`,
      r.events ? r.forwarded : '-',
      r.events ? r.signals : '-',
      r.failed,
      r.fleetHistory ? `${r.fleetHistory.events} events, ${kib(r.fleetHistory.bytes)}` : '-',
      r.bringUpHistoryPerFlow
        ? `${r.bringUpHistoryPerFlow.events.toFixed(1)} events, ${r.bringUpHistoryPerFlow.bytes.toFixed(0)} B`
        : '-',
    ]),
  );
}

/** Taking offline: time against the floor, calls, and what the one fleet workflow cost in Temporal. */
function offlineTable(rows: FleetRow[]): string {
  return table(
    [
      'contender',
      'flows',
      'other flows',
      'total (s)',
      'floor (s)',
      'vs floor',
      'stops done (s)',
      'STANDBY',
      'failed',
      'calls',
      'throttled',
      'Stop/Describe/List',
      'other calls before the last StopFlow',
      'fleet history',
      'result',
      'actions / flow',
    ],
    rows.map((r) => [
      r.contender,
      r.flows,
      r.otherFlows,
      ...paceCells(r),
      r.throttled,
      `${r.byOperation.StopFlow ?? 0}/${r.byOperation.DescribeFlow ?? 0}/${r.byOperation.ListFlows ?? 0}`,
      callsBeforeWritesDone(r),
      r.fleetHistory ? `${r.fleetHistory.events} events, ${kib(r.fleetHistory.bytes)}` : '-',
      kib(r.resultBytes),
      r.cost ? (actionsOf(r.cost) / r.flows).toFixed(1) : '-',
    ]),
  );
}

const kib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 1024).toFixed(0)} KiB`);

/** What each row cost in Temporal, per flow brought online: history events, and billable actions by kind. */
function costTable(rows: FleetRow[]): string {
  const withCost = rows.filter((r) => r.cost);
  return table(
    [
      'contender',
      'flows',
      'other flows in account',
      'fleet history',
      'largest bring-up',
      'events / flow',
      'history bytes / flow',
      'actions / flow',
      'of which: starts / activities / timers / signals / upserts / budget updates',
    ],
    withCost.map((r) => {
      const cost = r.cost!;
      const per = (n: number) => (n / r.flows).toFixed(1);
      const { workflowStarts, activityAttempts, timers, signals, upserts, updates } = cost.actions;
      return [
        r.contender,
        r.flows,
        r.otherFlows,
        r.fleetHistory ? `${r.fleetHistory.events} events, ${kib(r.fleetHistory.bytes)}` : '-',
        kib(r.largestBringUpBytes),
        per(cost.events),
        (cost.bytes / r.flows).toFixed(0),
        per(actionsOf(cost)),
        [workflowStarts, activityAttempts, timers, signals, upserts, updates].map(per).join(' / '),
      ];
    }),
  );
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const began = Date.now();
  console.log(
    `# temporal-mediaconnect benchmarks${quick ? ' (--quick)' : ''}\n\nStarted ${new Date().toISOString()}, ${load()}; Node ${process.version}.\n`,
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'mc-bench-'));
  const env = await createDevServer();
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const workflowBundlePath = path.join(dir, 'workflows.js');
    writeFileSync(workflowBundlePath, code);
    const namespace = env.namespace ?? 'default';

    // 1. Single flow.
    if (DURATIONS_S.length > 0) {
      const sim = await MediaConnectSimulator.start({ rateLimit: false });
      const taskQueue = `bench-single-${randomUUID()}`;
      const mediaConnect = createMediaConnectClient({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      });
      // The request budget is on, as in the worker's default set-up, but wide enough (100/s) that the
      // runs going on at once do not queue behind each other: it adds its reservation round trip only.
      const worker = await createWorker({
        connection: env.nativeConnection,
        namespace,
        taskQueue,
        mediaConnect,
        workflowBundlePath,
        requestBudget: { requestsPerSecond: 100, burst: 100 },
      });
      const running = worker.run();
      const sdk = new MediaConnectClient({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      });
      console.log(
        `## 1. Single flow, STARTING for D seconds (real time, ${RUNS} runs each, all at once; no rate limit in the simulator, request budget 100/s)\n`,
      );
      const single = await benchmarkSingleFlow({ sim, client: env.client, taskQueue, sdk }, DURATIONS_S, RUNS);
      worker.shutdown();
      await running;
      sdk.destroy();
      mediaConnect.destroy();
      await sim.stop();
      console.log(singleFlowTable(single.rows));
      for (const failed of single.samples.filter((s) => s.error))
        console.log(`- ${failed.contender} D=${failed.durationS}: ${failed.error}`);
      console.log(`\n(${load()})\n`);
    }

    // 2. Fleets.
    if (FLEETS.length > 0)
      console.log(
        `## 2. Fleet, STARTING for 30 s, budget ${BUDGET.requestsPerSecond} requests/s burst ${BUDGET.burst} (simulator) and the same request budget (worker)\n`,
      );
    const fleetRows: FleetRow[] = [];
    for (const flows of FLEETS) {
      const rows = await benchmarkFleet(
        { client: env.client, connection: env.nativeConnection, namespace, workflowBundlePath },
        flows,
        capMs(flows),
        CONTENDERS,
      );
      fleetRows.push(...rows);
      console.log(`(${flows} flows done, ${load()})`);
    }
    if (fleetRows.length > 0) console.log(`\n${fleetTable(fleetRows)}\n`);
    if (fleetRows.some((r) => r.cost))
      console.log(
        `Temporal cost (every workflow of the contender, its request budget included):\n\n${costTable(fleetRows)}\n`,
      );

    // 3. A raised quota spent by several workers through one budget.
    if (RAISED.length === 2) {
      const [flows, workers] = RAISED;
      console.log(
        `## 3. Raised quota: ${RAISED_QUOTA.requestsPerSecond} requests/s burst ${RAISED_QUOTA.burst}, ${workers} workers sharing one request budget, a fleet of ${flows} (STARTING 30 s)\n`,
      );
      const rows = [];
      for (const contender of ['describeAll', 'bringFleetOnline'] as const) {
        rows.push(
          await benchmarkRaisedQuota(
            { client: env.client, address: env.address, namespace },
            contender,
            flows,
            workers,
            capMs(flows),
          ),
        );
      }
      console.log(`${raisedQuotaTable(rows)}\n\n(${load()})\n`);
    }

    // 4. A big account.
    if (BIG_ACCOUNT > 0) {
      console.log(
        `## 4. A fleet of ${BIG_FLEET} in an account holding ${BIG_ACCOUNT} other flows, STARTING for 30 s, same budget\n`,
      );
      const rows = await benchmarkBigAccount(
        { client: env.client, connection: env.nativeConnection, namespace, workflowBundlePath },
        BIG_FLEET,
        BIG_ACCOUNT,
        capMs(BIG_FLEET),
      );
      const sizes = rows.map((r) => `other calls before the last StartFlow: ${callsBeforeWritesDone(r)}`).join('; ');
      console.log(`${fleetTable(rows)}\n\n${costTable(rows)}\n\n(${sizes}; ${load()})\n`);
      for (const row of rows) if (row.fleetTimeline) console.log(`Fleet timeline:\n${row.fleetTimeline}\n`);
    }
    // 5. The EventBridge fast path.
    if (EVENT_RUNS > 0 && EVENT_D > 0) {
      console.log(
        `## 5. EventBridge: ${EVENT_RUNS} single flows (STARTING ${EVENT_D} s) and a fleet of ${EVENT_FLEET} (STARTING 30 s, budget ${BUDGET.requestsPerSecond}/s burst ${BUDGET.burst}), without and with status change events forwarded\n`,
      );
      const rows = await benchmarkEvents(
        { client: env.client, connection: env.nativeConnection, namespace, workflowBundlePath },
        { runs: EVENT_RUNS, durationS: EVENT_D, fleet: Number(EVENT_FLEET), capMs: capMs(Number(EVENT_FLEET)) },
      );
      console.log(`${eventsTable(rows)}\n\n(${load()})\n`);
    }
    // 6. Taking a fleet offline.
    if (OFFLINE_FLEET > 0) {
      console.log(
        `## 6. Taking a fleet of ${OFFLINE_FLEET} offline (takeFleetOffline, STOPPING for 30 s) in an account holding ${OFFLINE_OTHERS} other flows, same budget\n`,
      );
      const rows = await benchmarkTakeFleetOffline(
        { client: env.client, connection: env.nativeConnection, namespace, workflowBundlePath },
        OFFLINE_FLEET,
        OFFLINE_OTHERS,
        capMs(OFFLINE_FLEET),
      );
      console.log(`${offlineTable(rows)}\n\n(${load()})\n`);
      for (const row of rows) if (row.fleetTimeline) console.log(`Fleet timeline:\n${row.fleetTimeline}\n`);
    }
    console.log(`Finished in ${seconds(Date.now() - began, 0)} s, ${load()}.`);
    console.log(`Re-run: npx tsx bench/run.ts ${process.argv.slice(2).join(' ')}`);
  } finally {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
