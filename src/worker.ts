/**
 * The worker: runs this package's workflows and MediaConnect activities on one task queue.
 *
 * `temporal-mediaconnect worker` (the installed package's command), `npm run worker` or
 * `node lib/worker.js` read the configuration from the environment (see `config.ts` and the README),
 * check it, and run until SIGINT or SIGTERM.
 *
 * `@temporalio/worker` (the SDK's native core, glibc only) is loaded on first use, not on import:
 * a service that imports this package's root only to start bring-ups never loads it, and need not
 * install it (it is an optional peer dependency).
 */
import { inspect } from 'node:util';
import { ListFlowsCommand, MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import type { LogEntry, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { temporalRequestBudget, type RequestBudgetOptions } from './activities/request-budget-client';
import { classifyMediaConnectError } from './activities/classify-error';
import { redactCredentials, redactCredentialsDeep } from './common/redact';
import { METRIC_HISTOGRAM_BUCKETS } from './common/metrics';
import { ConfigurationError, workerSettingsFromEnv, type WorkerSettings } from './config';
import { loadTemporalWorker } from './temporal-worker';
import { withTracing, type WorkerTracingOptions } from './tracing';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * The MediaConnect client of the worker's default region; build it with `createMediaConnectClient()`.
   * Calls for flows in other regions go through clients built from its settings (same credentials,
   * request handler and endpoint), which `mediaConnect.destroy()` closes too.
   */
  mediaConnect: MediaConnectClient;
  /**
   * The account's request budgets, one per region, shared by every worker and workflow that names
   * the same budget: each MediaConnect call first reserves a token from its region's
   * `mediaConnectRequestBudget` workflow.
   * `false`: calls go out unbudgeted (tests that are not about the quota; an account nothing
   * else calls).
   * @default {} (5 requests/s with a burst of 30, budget id `mediaconnect-request-budget:<task queue>:<region>`)
   */
  requestBudget?: RequestBudgetOptions | false;
  /** A pre-built workflow bundle (`bundleWorkflowCode`); when absent, workflows are bundled now. */
  workflowBundlePath?: string;
  /**
   * OpenTelemetry tracing, off unless given: the SDK's interceptors trace each workflow, activity
   * and MediaConnect call, continuing the trace of the client call that started the workflow (see
   * the README's "Tracing"). Activity spans go to the global tracer provider; workflow spans to
   * `tracing.spanProcessor`.
   * @default undefined (no tracing)
   */
  tracing?: WorkerTracingOptions;
  /** Anything else for `Worker.create`. */
  workerOptions?: Partial<WorkerOptions>;
}

/** The MediaConnect client as the activities expect it: the AWS SDK's own retries off. */
export function createMediaConnectClient(
  config: ConstructorParameters<typeof MediaConnectClient>[0] = {},
): MediaConnectClient {
  // One retry layer: Temporal's activity retries are durable and visible in the UI; the SDK's are neither.
  return new MediaConnectClient({ maxAttempts: 1, ...config });
}

/** Creates (but does not run) a worker for this package's workflows and activities. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { mediaConnect, requestBudget = {} } = options;
  const { Worker } = loadTemporalWorker();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({
      client: mediaConnect,
      ...(requestBudget && { requestBudget: temporalRequestBudget(requestBudget) }),
    }),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('./workflows') }),
    ...(options.tracing
      ? withTracing(options.tracing, options.workerOptions, options.workflowBundlePath !== undefined)
      : options.workerOptions),
  });
}

/**
 * Checks that the AWS SDK can find a region and credentials and that the MediaConnect endpoint
 * answers, so that a misconfigured worker stops at start-up with a message instead of failing
 * every activity later. @throws ConfigurationError
 */
export async function checkMediaConnectAccess(client: MediaConnectClient, endpointHint?: string): Promise<void> {
  try {
    await client.config.region();
  } catch {
    throw new ConfigurationError(
      'No AWS region is set: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile)',
    );
  }
  try {
    await client.config.credentials();
  } catch (err) {
    throw new ConfigurationError(
      `No AWS credentials found (${(err as Error).message}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role`,
    );
  }
  try {
    await client.send(new ListFlowsCommand({ MaxResults: 1 }), { abortSignal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const classified = classifyMediaConnectError(err, Date.now());
    const where = endpointHint ?? `MediaConnect in ${await client.config.region()}`;
    if (classified.httpStatus === undefined) {
      throw new ConfigurationError(
        `Cannot reach ${where} (${classified.networkCode ?? classified.message}): check AWS_ENDPOINT_URL_MEDIACONNECT / AWS_ENDPOINT_URL and the network`,
      );
    }
    if (
      classified.name === 'UnrecognizedClientException' ||
      classified.name === 'InvalidSignatureException' ||
      classified.httpStatus === 401
    ) {
      throw new ConfigurationError(`MediaConnect rejected the AWS credentials (${classified.name}): check them`);
    }
    // Reachable; a ListFlows refusal (403, throttling) is not fatal for starting flows.
  }
}

/**
 * Installs the Temporal runtime: logs (pretty or JSON lines) and optional Prometheus metrics (the
 * SDK's and this package's, see the README's "Metrics"), with buckets in seconds for this package's histograms.
 */
export function installRuntime(settings: Pick<WorkerSettings, 'logFormat' | 'logLevel' | 'metricsBindAddress'>): void {
  const { DefaultLogger, Runtime } = loadTemporalWorker();
  const logger = new DefaultLogger(settings.logLevel, settings.logFormat === 'json' ? writeJsonLog : writePrettyLog);
  Runtime.install({
    logger,
    ...(settings.metricsBindAddress && {
      telemetryOptions: {
        metrics: {
          prometheus: { bindAddress: settings.metricsBindAddress, histogramBucketOverrides: METRIC_HISTOGRAM_BUCKETS },
        },
      },
    }),
  });
}

// Both log formats redact credentials: a log line can quote a service's error message or an SDK error.
function writeJsonLog(entry: LogEntry): void {
  const { level, message, meta, timestampNanos } = entry;
  const line = {
    time: new Date(Number(timestampNanos / 1_000_000n)).toISOString(),
    level,
    message,
    ...serializableMeta(meta),
  };
  process.stderr.write(`${JSON.stringify(redactCredentialsDeep(line))}\n`);
}

function writePrettyLog(entry: LogEntry): void {
  const { level, message, meta, timestampNanos } = entry;
  const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
  process.stderr.write(
    `${redactCredentials(`${time} [${level}] ${message}${meta === undefined ? '' : ` ${inspect(meta)}`}`)}\n`,
  );
}

function serializableMeta(meta: LogEntry['meta']): Record<string, unknown> {
  if (!meta) return {};
  return Object.fromEntries(
    Object.entries(meta).map(([k, v]) => [
      k,
      v instanceof Error ? { name: v.name, message: v.message } : typeof v === 'bigint' ? String(v) : v,
    ]),
  );
}

/** Entry point: configuration from the environment, checks, then run until a signal. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = workerSettingsFromEnv(env);
  const { NativeConnection, Runtime } = loadTemporalWorker();
  installRuntime(settings);
  const mediaConnect = createMediaConnectClient();
  await checkMediaConnectAccess(mediaConnect, settings.mediaConnectEndpoint);

  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(settings.temporal.connectionOptions);
  } catch (err) {
    throw new ConfigurationError(
      `Cannot connect to Temporal at ${settings.temporal.address} (${(err as Error).message}): check TEMPORAL_ADDRESS, TEMPORAL_TLS_* and TEMPORAL_API_KEY`,
    );
  }
  try {
    const worker = await createWorker({
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.taskQueue,
      mediaConnect,
      requestBudget: settings.requestBudget,
      workflowBundlePath: settings.workflowBundlePath,
    });
    Runtime.instance().logger.info('Worker running', {
      address: settings.temporal.address,
      namespace: settings.temporal.namespace,
      taskQueue: settings.taskQueue,
      mediaConnectEndpoint: settings.mediaConnectEndpoint ?? 'AWS default',
      requestBudget: settings.requestBudget,
    });
    // The runtime shuts the worker down on SIGINT and SIGTERM; run() resolves once it has.
    await worker.run();
  } finally {
    await connection.close();
    mediaConnect.destroy();
  }
}

/** The worker's exit code for a setting that cannot work (EX_CONFIG). */
export const WORKER_CONFIGURATION_EXIT_CODE = 78;

/**
 * Runs `main` as a process's entry point (`node lib/worker.js`, `temporal-mediaconnect worker`):
 * writes the error, if any, as one line on `stderr`, and returns the exit code: 0 after a graceful
 * shutdown, 78 for a setting that cannot work (the message names it), 1 for anything else.
 */
export async function runWorkerEntryPoint(
  env: NodeJS.ProcessEnv,
  stderr: { write(text: string): unknown },
): Promise<number> {
  try {
    await main(env);
    return 0;
  } catch (err) {
    const message =
      err instanceof ConfigurationError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    stderr.write(`temporal-mediaconnect worker: ${redactCredentials(message)}\n`);
    return err instanceof ConfigurationError ? WORKER_CONFIGURATION_EXIT_CODE : 1;
  }
}

if (require.main === module) {
  void runWorkerEntryPoint(process.env, process.stderr).then((code) => process.exit(code));
}
