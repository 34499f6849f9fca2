/**
 * Records the histories that `test/replay/replay.test.ts` replays: real bring-ups on a Temporal
 * dev server, against the MediaConnect simulator, one per path through `bringFlowOnline`
 * (success, ERROR, throttled with retries, continue-as-new, already ACTIVE, ...), the fleet, the
 * request budget, the take-offlines and an event day. Each run's
 * history is written as JSON to `test/replay/histories/<scenario>.json` (`-runN` per run after a
 * continue-as-new), in protobufjs' JSON form (`History.toObject` with longs, enums and bytes as
 * strings), which `History.fromObject` reads back exactly. Not the SDK's `historyToJSON` form:
 * with the protobufjs copies this install has, `historyToJSON` / `historyFromJSON` throw
 * "type must be a Type" (see the replay test).
 *
 * Run it again after an intended change to the workflow's commands (and say why in the commit);
 * name scenarios to re-record only those and leave the other files as they are:
 *
 *     npx tsx scripts/record-histories.ts [scenario ...]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  startBringFleetOnline,
  startBringFlowOnline,
  startEventDay,
  startTakeFleetOffline,
  startTakeFlowOffline,
} from '../src/client';
import type { EventDayReport } from '../src/common/event-day-records';
import { endEventSignal, eventDayReportQuery } from '../src/workflows/event-day';
import { MediaConnectSimulator } from '../src/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorker } from '../src/worker';
import { flowStatusChangedSignal, type BringFlowOnlineInput } from '../src/workflows/bring-flow-online';
import {
  requestThrottledSignal,
  reserveRequestsUpdate,
  type mediaConnectRequestBudget,
} from '../src/workflows/request-budget-workflow';
import { createDevServer } from '../test/support/temporal';
import { mediaConnectClientFor } from '../test/support/aws';

const OUT_DIR = path.resolve(__dirname, '..', 'test', 'replay', 'histories');
const taskQueue = 'record-histories';
/** How a history is turned into plain JSON; `History.fromObject` reverses it. */
const HISTORY_JSON = { longs: String, enums: String, bytes: String } as const;

interface Scenario {
  /** File name (without `.json`) and what the history shows. */
  name: string;
  /** Prepares the simulator and returns the workflow input. */
  prepare(sim: MediaConnectSimulator): Omit<BringFlowOnlineInput, 'carried'>;
  /** Something to do while the workflow runs (signals). */
  during?(handle: WorkflowHandle, flowArn: string): Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'success',
    prepare: (sim) => ({
      flowArn: sim.createFlow({ name: 'Success', startingDuration: 1_500 }),
      pollInterval: '500ms',
    }),
  },
  {
    name: 'flow-error',
    prepare: (sim) => ({
      flowArn: sim.createFlow({
        name: 'FlowError',
        startingDuration: 1_000,
        outcome: 'ERROR',
        errorMessages: ['Source 10.0.0.1:5000 is not reachable'],
      }),
      pollInterval: '500ms',
    }),
  },
  {
    name: 'throttled',
    prepare: (sim) => {
      const flowArn = sim.createFlow({ name: 'Throttled', startingDuration: 1_000 });
      sim.injectFault({ operation: 'StartFlow', flowArn, kind: 'throttle', retryAfterSeconds: 1, times: 2 });
      sim.injectFault({ operation: 'DescribeFlow', flowArn, kind: 'throttle', times: 1 });
      sim.injectFault({ operation: 'DescribeFlow', flowArn, kind: 'unavailable', times: 1 });
      return { flowArn, pollInterval: '500ms' };
    },
  },
  {
    name: 'continue-as-new',
    prepare: (sim) => ({
      flowArn: sim.createFlow({ name: 'LongWait', startingDuration: 2_500 }),
      pollInterval: '300ms',
      pollsPerRun: 3,
    }),
  },
  { name: 'already-active', prepare: (sim) => ({ flowArn: sim.createFlow({ name: 'OnAir', status: 'ACTIVE' }) }) },
  {
    name: 'already-starting',
    prepare: (sim) => ({
      flowArn: sim.createFlow({ name: 'AlreadyStarting', status: 'STARTING', startingDuration: 1_000 }),
      pollInterval: '500ms',
    }),
  },
  {
    name: 'known-status',
    prepare: (sim) => ({
      flowArn: sim.createFlow({ name: 'KnownStandby', startingDuration: 800 }),
      knownStatus: 'STANDBY',
      pollInterval: '500ms',
    }),
  },
  {
    name: 'start-refused',
    prepare: (sim) => {
      const flowArn = sim.createFlow({ name: 'Forbidden' });
      sim.injectFault({
        operation: 'StartFlow',
        flowArn,
        kind: 'forbidden',
        message: 'User is not authorized to perform mediaconnect:StartFlow',
      });
      return { flowArn };
    },
  },
  {
    name: 'start-timeout',
    prepare: (sim) => ({
      flowArn: sim.createFlow({ name: 'Slowpoke', startingDuration: 1e9 }),
      timeout: '2s',
      pollInterval: '500ms',
    }),
  },
  {
    name: 'signalled',
    prepare: (sim) => ({ flowArn: sim.createFlow({ name: 'Signalled', startingDuration: 500 }), pollInterval: '1h' }),
    async during(handle) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await handle.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE' }); // unconfirmed: the workflow checks
    },
  },
  {
    name: 'signalled-confirmed',
    prepare: (sim) => ({ flowArn: sim.createFlow({ name: 'Confirmed', startingDuration: 500 }), pollInterval: '1h' }),
    async during(handle) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await handle.signal(flowStatusChangedSignal, { currentStatus: 'ACTIVE', confirmed: true });
    },
  },
  {
    name: 'cancelled-while-starting',
    prepare: (sim) => {
      const flowArn = sim.createFlow({ name: 'CancelledStart', startingDuration: 1e9 });
      sim.injectFault({ operation: 'StartFlow', flowArn, kind: 'slow', delayMs: 30_000 });
      return { flowArn, knownStatus: 'STANDBY' };
    },
    async during(handle) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await handle.cancel(); // StartFlow is waiting for its answer: the bring-up ends CANCELLED
    },
  },
];

interface FleetScenario {
  name: string;
  failFast?: boolean;
  prepare(sim: MediaConnectSimulator): string[];
  during?(handle: WorkflowHandle): Promise<void>;
}

let fleetSeq = 0;
const fleetFlows = (sim: MediaConnectSimulator, count: number, errors: number) =>
  Array.from({ length: count }, (_, i) =>
    sim.createFlow({
      name: `Fleet${++fleetSeq}`,
      startingDuration: 800 + 200 * i,
      ...(i < errors && { outcome: 'ERROR' as const, errorMessages: ['Source is not reachable'] }),
    }),
  );

/** Paths through `bringFleetOnline`: per-flow report, fail-fast, cancellation. */
const FLEET_SCENARIOS: FleetScenario[] = [
  { name: 'fleet-report', prepare: (sim) => fleetFlows(sim, 4, 1) },
  { name: 'fleet-fail-fast', failFast: true, prepare: (sim) => fleetFlows(sim, 3, 1) },
  {
    name: 'fleet-cancelled',
    prepare: (sim) => [
      sim.createFlow({ name: `Fleet${++fleetSeq}`, startingDuration: 1e9 }),
      sim.createFlow({ name: `Fleet${++fleetSeq}`, startingDuration: 1e9 }),
    ],
    during: async (handle) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await handle.cancel();
    },
  },
];

/** Paths through `takeFlowOffline` and `takeFleetOffline`: a stop and its wait, and a fleet of mixed statuses. */
const OFFLINE_SCENARIOS: Array<{
  name: string;
  /** Runs the workflow to its end; returns its handle and a one-line outcome. */
  record(client: Client, sim: MediaConnectSimulator): Promise<{ handle: WorkflowHandle; outcome: string }>;
}> = [
  {
    name: 'offline-stopped',
    async record(client, sim) {
      const flowArn = sim.createFlow({ name: 'OfflineOnAir', status: 'ACTIVE', stoppingDuration: 1_000 });
      const handle = await startTakeFlowOffline(client, { flowArn, pollInterval: '300ms' }, { taskQueue });
      return { handle, outcome: (await handle.result()).status };
    },
  },
  {
    name: 'offline-fleet',
    record: (client, sim) =>
      recordOfflineFleet(client, sim, 'offline-fleet', 'Offline', [
        'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:OfflineNowhere',
      ]),
  },
  // The same fleet under the `offline-fleet-reads-paced-while-stopping` patch (its marker in the history).
  {
    name: 'offline-fleet-paced',
    record: (client, sim) => recordOfflineFleet(client, sim, 'offline-fleet-paced', 'Paced'),
  },
];

/** A takeFleetOffline of an ACTIVE, a STANDBY and a STARTING flow (and `moreArns`), under `workflowId`. */
async function recordOfflineFleet(
  client: Client,
  sim: MediaConnectSimulator,
  workflowId: string,
  prefix: string,
  moreArns: string[] = [],
): Promise<{ handle: WorkflowHandle; outcome: string }> {
  const flowArns = [
    sim.createFlow({ name: `${prefix}Active`, status: 'ACTIVE', stoppingDuration: 800 }),
    sim.createFlow({ name: `${prefix}Standby` }),
    sim.createFlow({ name: `${prefix}Starting`, status: 'STARTING', startingDuration: 1_000 }),
    ...moreArns,
  ];
  const handle = await startTakeFleetOffline(client, { flowArns, pollInterval: '500ms' }, { workflowId, taskQueue });
  const result = await handle.result();
  return { handle, outcome: `${result.standby} STANDBY, ${result.failed} FAILED` };
}

/**
 * An event day in one run: its timer, the online fleet, a flow in ERROR signalled (the confirming read,
 * the restart), fallback reads, `endEvent` and the offline fleet. Recorded under the id `event-day`,
 * the name the replayer runs it under (its children's ids derive from it).
 */
async function recordEventDay(
  client: Client,
  sim: MediaConnectSimulator,
): Promise<{ handle: WorkflowHandle; outcome: string }> {
  const flowArns = [0, 1].map((i) =>
    sim.createFlow({ name: `EventCamera${i}`, startingDuration: 300, stoppingDuration: 300 }),
  );
  const handle = await startEventDay(
    client,
    { flowArns, onlineBy: '3s', leadTime: '2s', offlineAt: '10m', watchInterval: '5s', restartOnError: true },
    { workflowId: 'event-day', taskQueue, searchAttributes: false },
  );
  const until = async (what: (report: EventDayReport) => boolean) => {
    while (!what(await handle.query(eventDayReportQuery))) await new Promise((resolve) => setTimeout(resolve, 200));
  };
  await until((report) => report.phase === 'WATCHING');
  sim.updateFlow(flowArns[1], { status: 'ERROR' });
  await handle.signal(flowStatusChangedSignal, { flowArn: flowArns[1], currentStatus: 'ERROR' });
  await until((report) => report.flows[1].incidents[0]?.restart === 'ACTIVE');
  await new Promise((resolve) => setTimeout(resolve, 6_000)); // a fallback read
  await handle.signal(endEventSignal, { reason: 'recorded' });
  const report = await handle.result();
  return { handle, outcome: `${report.incidents} incident, ${report.restarts} restart, ${report.reads} reads` };
}

/**
 * The request budget: reservations granted and refused, a reported 429, and a continue-as-new
 * (after 4 updates) carrying the bucket into a second run, which is left running.
 */
async function recordRequestBudget(client: Client): Promise<WorkflowHandle[]> {
  const limits = { requestsPerSecond: 5, burst: 30 };
  const handle = await client.workflow.start<typeof mediaConnectRequestBudget>('mediaConnectRequestBudget', {
    args: [{ limits, updatesPerRun: 4 }],
    taskQueue,
    workflowId: 'request-budget',
  });
  const reserve = (maxWaitsMs: number[]) =>
    client.workflow.getHandle('request-budget').executeUpdate(reserveRequestsUpdate, { args: [{ maxWaitsMs }] });
  await reserve(Array(40).fill(60_000)); // the burst, then 10 queued
  await reserve([0, 60_000]); // the first cannot wait: refused
  await handle.signal(requestThrottledSignal, { retryAfterMs: 1_000 });
  await reserve([60_000]);
  await reserve([60_000]); // the fourth update: the run continues as new
  await reserve([60_000, 60_000]);
  return runsOf(client, handle);
}

/** Every run of a workflow, first to last, following continue-as-new. */
async function runsOf(
  client: Client,
  handle: WorkflowHandle & { firstExecutionRunId: string },
): Promise<WorkflowHandle[]> {
  const runs: WorkflowHandle[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const run: WorkflowHandle = client.workflow.getHandle(handle.workflowId, runId);
    runs.push(run);
    const events: temporal.api.history.v1.IHistoryEvent[] = (await run.fetchHistory()).events ?? [];
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') }); // the expected failures' WARN lines are noise here
  const [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: false })]);
  const mediaConnect = mediaConnectClientFor(sim.endpoint, sim.region);
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    mediaConnect,
    requestBudget: false,
  });
  const written: string[] = [];
  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  const writeRuns = async (name: string, runs: WorkflowHandle[]) => {
    for (const [i, run] of runs.entries()) {
      const file = runs.length === 1 ? `${name}.json` : `${name}-run${i + 1}.json`;
      const { History } = temporal.api.history.v1;
      const history = History.toObject(History.fromObject(await run.fetchHistory()), HISTORY_JSON);
      writeFileSync(path.join(OUT_DIR, file), `${JSON.stringify(history, null, 2)}\n`);
      written.push(file);
    }
  };
  try {
    await worker.runUntil(async () => {
      if (only.length === 0) rmSync(OUT_DIR, { recursive: true, force: true });
      mkdirSync(OUT_DIR, { recursive: true });
      for (const scenario of SCENARIOS.filter((s) => wanted(s.name))) {
        const input = scenario.prepare(sim);
        const handle = await startBringFlowOnline(env.client, input, { taskQueue });
        await scenario.during?.(handle, input.flowArn);
        const outcome = await handle.result().then(
          (result) => result.status,
          (err: Error) =>
            (err.cause as { type?: string; name?: string } | undefined)?.type ??
            (err.cause as Error | undefined)?.name ??
            err.name,
        );
        const runs = await runsOf(env.client, handle);
        await writeRuns(scenario.name, runs);
        process.stdout.write(`${scenario.name}: ${outcome}, ${runs.length} run(s)\n`);
      }
      for (const fleet of FLEET_SCENARIOS.filter((f) => wanted(f.name))) {
        const flowArns = fleet.prepare(sim);
        const handle = await startBringFleetOnline(
          env.client,
          { flowArns, pollInterval: '500ms', failFast: fleet.failFast },
          {
            workflowId: fleet.name,
            taskQueue,
          } /* the replayer runs it under its file name: child ids derive from it */,
        );
        await fleet.during?.(handle);
        const outcome = await handle.result().then(
          (result) => `${result.active} ACTIVE, ${result.failed} FAILED, ${result.cancelled} CANCELLED`,
          (err: Error) => (err.cause as { type?: string } | undefined)?.type ?? err.name,
        );
        await writeRuns(fleet.name, [handle]);
        process.stdout.write(`${fleet.name}: ${outcome}\n`);
      }
      for (const offline of OFFLINE_SCENARIOS.filter((o) => wanted(o.name))) {
        const { handle, outcome } = await offline.record(env.client, sim);
        await writeRuns(offline.name, [handle]);
        process.stdout.write(`${offline.name}: ${outcome}\n`);
      }
      if (wanted('event-day')) {
        const { handle, outcome } = await recordEventDay(env.client, sim);
        await writeRuns('event-day', [handle]);
        process.stdout.write(`event-day: ${outcome}\n`);
      }
      if (wanted('request-budget')) {
        const runs = await recordRequestBudget(env.client);
        await writeRuns('request-budget', runs);
        process.stdout.write(`request-budget: ${runs.length} run(s)\n`);
      }
    });
  } finally {
    await env.teardown();
    await sim.stop();
    mediaConnect.destroy();
  }
  process.stdout.write(
    `Wrote ${written.length} histories to ${path.relative(process.cwd(), OUT_DIR)}: ${readdirSync(OUT_DIR).sort().join(', ')}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`record-histories: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
