/**
 * The package's metrics: names, label values and histogram buckets, shared by the activities, the
 * workflows, the worker's runtime and the Grafana dashboard. They go through the Temporal runtime's
 * metric meter, so they reach the same Prometheus (or OTLP) exporter as the SDK's own metrics.
 *
 * Names follow Prometheus conventions and carry their unit and `_total` themselves, so they come
 * out the same whatever the exporter's `countersTotalSuffix` / `unitSuffix` settings; the exporter
 * adds no prefix to them. Labels are low-cardinality: never a flow ARN or a workflow id.
 */

export const MetricNames = {
  /** Counter: MediaConnect calls, by `operation` and `outcome` ({@link CallOutcome}). */
  requests: 'mediaconnect_requests_total',
  /** Counter: MediaConnect calls answered 429 (throttled), by `operation`. */
  throttles: 'mediaconnect_throttles_total',
  /** Histogram, seconds: how long MediaConnect took to answer a call, by `operation`. */
  requestDuration: 'mediaconnect_request_duration_seconds',
  /** Histogram, seconds: how long a call waited for the request budget's token before it went out. */
  budgetWait: 'mediaconnect_request_budget_wait_seconds',
  /** Counter: calls the request budget refused, by `reason` (`RequestBudgetExhausted`, `RequestBudgetUnavailable`, `RequestBudgetWriteQueued`). */
  budgetRefusals: 'mediaconnect_request_budget_refusals_total',
  /** Histogram, seconds: a bring-up's duration from its start to its end (over continue-as-new), by `outcome`. */
  bringUpDuration: 'mediaconnect_bring_up_duration_seconds',
  /** Counter: finished bring-ups, by `outcome` (`ACTIVE`, a failure type, or `CANCELLED`). */
  bringUps: 'mediaconnect_bring_ups_total',
  /** Gauge: flows of the last fleet that reported, by MediaConnect `status` (`UNKNOWN` before the first read). */
  fleetFlows: 'mediaconnect_fleet_flows',
} as const;

/** The `outcome` of one MediaConnect call. */
export const CallOutcome = {
  success: 'success',
  /** 429: the account's API quota. */
  throttled: 'throttled',
  /** Any other 4xx: the request was refused (not found, bad request, forbidden...); or no credentials to sign it with. */
  clientError: 'client_error',
  /** 5xx. */
  serverError: 'server_error',
  /** No answer: connection refused or reset, DNS, or no answer within the call timeout. */
  networkError: 'network_error',
  /** The activity was cancelled (or timed out) while the call was in flight. */
  cancelled: 'cancelled',
} as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

/** The bring-up outcome that is not a failure type. */
export const BRING_UP_ACTIVE = 'ACTIVE';
/** The bring-up outcome of a cancelled bring-up. */
export const BRING_UP_CANCELLED = 'CANCELLED';
/** The `status` label of fleet flows not read yet. */
export const FLEET_STATUS_UNKNOWN = 'UNKNOWN';

/**
 * Bucket boundaries (seconds) for the histograms above. The runtime's default buckets are made for
 * milliseconds; pass these as the Prometheus exporter's `histogramBucketOverrides` (`installRuntime`
 * does), in your own `Runtime.install` too.
 */
export const METRIC_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [MetricNames.requestDuration]: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  [MetricNames.budgetWait]: [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  [MetricNames.bringUpDuration]: [5, 10, 30, 60, 120, 300, 600, 1800, 3600],
};
