/**
 * The worker's configuration: read from the environment once, validated once, passed down typed.
 * No other module reads `process.env`.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { RequestBudgetOptions } from './activities/request-budget-client';
import { DEFAULT_TASK_QUEUE } from './common/task-queue';
import { isHostPort } from './common/host-port';
import { DEFAULT_REQUEST_BUDGET, REQUEST_BUDGET_BOUNDS } from './common/request-budget-math';

/** Raised for a setting that cannot work; its message names the setting and what to do. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** What `loadClientConnectConfig` returns (derived: releases up to 1.16 do not export the type by name). */
type ClientConnectConfig = ReturnType<typeof loadClientConnectConfig>;

export interface WorkerSettings {
  /** Temporal connection and namespace, from `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE). */
  temporal: ClientConnectConfig & { namespace: string; address: string };
  /** TEMPORAL_TASK_QUEUE. @default 'mediaconnect' */
  taskQueue: string;
  /**
   * The account's request budgets (one per region), shared by every worker naming the same budget:
   * MEDIACONNECT_MAX_REQUESTS_PER_SECOND (@default 5) and MEDIACONNECT_BURST (@default 30), the limits
   * a budget this worker starts gets (a running budget keeps its own), and MEDIACONNECT_REQUEST_BUDGET_ID,
   * the prefix of the budgets' ids: `<id>:<region>` (@default `mediaconnect-request-budget:<task queue>:<region>`).
   */
  requestBudget: RequestBudgetOptions;
  /** TEMPORAL_METRICS_BIND_ADDRESS: where Prometheus metrics are served, for example `0.0.0.0:9464`. Off when unset. */
  metricsBindAddress?: string;
  /** WORKFLOW_BUNDLE_PATH: a pre-built workflow bundle (production); when unset, workflows are bundled at start-up. */
  workflowBundlePath?: string;
  /** LOG_FORMAT: `json` (one JSON object a line) or `pretty`. @default 'pretty' */
  logFormat: 'json' | 'pretty';
  /** LOG_LEVEL. @default 'INFO' */
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** AWS_ENDPOINT_URL_MEDIACONNECT / AWS_ENDPOINT_URL, as the AWS SDK reads them; shown in messages only. */
  mediaConnectEndpoint?: string;
}

/** Where Temporal is when neither TEMPORAL_ADDRESS nor a profile says (the `temporal` CLI's default too). */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** Reads and validates the worker's settings. @throws ConfigurationError naming the setting. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv): WorkerSettings {
  const temporal = temporalConnectConfigFromEnv(env);
  const address = temporal.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  if (!isHostPort(address)) {
    throw new ConfigurationError(`TEMPORAL_ADDRESS must be host:port (for example localhost:7233), got "${address}"`);
  }

  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE;

  const rateText = env.MEDIACONNECT_MAX_REQUESTS_PER_SECOND || String(DEFAULT_REQUEST_BUDGET.requestsPerSecond);
  const requestsPerSecond = Number(rateText);
  if (
    !Number.isFinite(requestsPerSecond) ||
    requestsPerSecond <= 0 ||
    requestsPerSecond > REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond
  ) {
    throw new ConfigurationError(
      `MEDIACONNECT_MAX_REQUESTS_PER_SECOND must be a number above 0 and at most ${REQUEST_BUDGET_BOUNDS.maxRequestsPerSecond} (your account's MediaConnect API quota), got "${rateText}"`,
    );
  }
  const burstText = env.MEDIACONNECT_BURST || String(DEFAULT_REQUEST_BUDGET.burst);
  const burst = Number(burstText);
  if (!Number.isInteger(burst) || burst < 1 || burst > REQUEST_BUDGET_BOUNDS.maxBurst) {
    throw new ConfigurationError(
      `MEDIACONNECT_BURST must be a whole number from 1 to ${REQUEST_BUDGET_BOUNDS.maxBurst} (your account's MediaConnect API burst), got "${burstText}"`,
    );
  }
  const budgetId = env.MEDIACONNECT_REQUEST_BUDGET_ID?.trim() || undefined;

  const metricsBindAddress = env.TEMPORAL_METRICS_BIND_ADDRESS?.trim() || undefined;
  if (metricsBindAddress && !isHostPort(metricsBindAddress)) {
    throw new ConfigurationError(
      `TEMPORAL_METRICS_BIND_ADDRESS must be host:port (for example 0.0.0.0:9464), got "${metricsBindAddress}"`,
    );
  }

  const logFormat = (env.LOG_FORMAT ?? 'pretty').toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'pretty')
    throw new ConfigurationError(`LOG_FORMAT must be "json" or "pretty", got "${env.LOG_FORMAT}"`);
  const logLevel = (env.LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigurationError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);

  const mediaConnectEndpoint = env.AWS_ENDPOINT_URL_MEDIACONNECT || env.AWS_ENDPOINT_URL || undefined;
  if (mediaConnectEndpoint) {
    try {
      const url = new URL(mediaConnectEndpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      const name = env.AWS_ENDPOINT_URL_MEDIACONNECT ? 'AWS_ENDPOINT_URL_MEDIACONNECT' : 'AWS_ENDPOINT_URL';
      throw new ConfigurationError(
        `${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${mediaConnectEndpoint}"`,
      );
    }
  }

  return {
    temporal: { ...temporal, namespace: temporal.namespace ?? 'default', address },
    taskQueue,
    requestBudget: { requestsPerSecond, burst, ...(budgetId && { budgetId }) },
    metricsBindAddress,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || undefined,
    logFormat,
    logLevel: logLevel as WorkerSettings['logLevel'],
    mediaConnectEndpoint,
  };
}

/**
 * The Temporal connection settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_*, TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE), through `@temporalio/envconfig`, as the
 * `temporal` CLI reads them. Shared by the worker and the CLI. Empty variables count as unset.
 * @throws ConfigurationError when the variables or the profile cannot be read.
 */
export function temporalConnectConfigFromEnv(env: NodeJS.ProcessEnv): ClientConnectConfig {
  try {
    return loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  } catch (err) {
    throw new ConfigurationError(
      `Temporal connection settings are invalid (TEMPORAL_* variables or the TEMPORAL_CONFIG_FILE profile): ${(err as Error).message}`,
    );
  }
}

/** An empty variable counts as unset (an empty TEMPORAL_API_KEY would otherwise turn TLS on). */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
