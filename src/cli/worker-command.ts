/**
 * `temporal-mediaconnect worker` and `temporal-mediaconnect bundle <outputPath>`: run this
 * package's worker, and pre-bundle its workflows, from the installed package (no checkout).
 */
import { CliError, ExitCode } from './exit-codes';
import { writeLines, type CliIo } from './io';

/** The worker's settings, as `worker --help` lists them (read by `workerSettingsFromEnv`). */
export const WORKER_ENVIRONMENT_HELP = `
Configuration (environment only, as for node lib/worker.js):
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
  TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE      the Temporal connection (default localhost:7233, "default")
  TEMPORAL_TASK_QUEUE                         task queue (default "mediaconnect")
  AWS_REGION, AWS credentials (the SDK's chain), AWS_ENDPOINT_URL_MEDIACONNECT
  MEDIACONNECT_MAX_REQUESTS_PER_SECOND (5), MEDIACONNECT_BURST (30), MEDIACONNECT_REQUEST_BUDGET_ID
  WORKFLOW_BUNDLE_PATH                        a bundle written by "bundle" (else workflows are bundled at start-up)
  TEMPORAL_METRICS_BIND_ADDRESS               serve Prometheus metrics, e.g. 0.0.0.0:9464
  LOG_FORMAT (pretty | json), LOG_LEVEL (INFO)
Runs until SIGINT or SIGTERM, then shuts down gracefully (exit 0). Needs @temporalio/worker installed.`;

/** Runs the worker until a signal; its exit code is the worker entry point's (0, 1, or 78 for a bad setting). */
export async function workerCommand(io: CliIo): Promise<ExitCode> {
  // Loaded here: the other commands need neither @temporalio/worker nor the AWS SDK.
  const { runWorkerEntryPoint } = await import('../worker');
  const code = await runWorkerEntryPoint(io.env, io.stderr);
  return code === 0
    ? ExitCode.Success
    : code === ExitCode.WorkerConfiguration
      ? ExitCode.WorkerConfiguration
      : ExitCode.FlowFailed;
}

/** Writes the workflow bundle to `outputPath` and says where to point WORKFLOW_BUNDLE_PATH. */
export async function bundleCommand(outputPath: string, io: CliIo): Promise<ExitCode> {
  const { bundleWorkflows } = await import('../bundle-workflows');
  try {
    const { path, bytes } = await bundleWorkflows(outputPath);
    writeLines(io.stdout, [
      `Workflow bundle written to ${path} (${Math.round(bytes / 1024)} KiB): run the worker with WORKFLOW_BUNDLE_PATH=${path}`,
    ]);
    return ExitCode.Success;
  } catch (err) {
    throw new CliError(
      `cannot bundle the workflows: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.FlowFailed,
    );
  }
}
