/**
 * What the activities tell operators about each MediaConnect call: metrics through the activity's
 * metric meter (the Temporal runtime's, so they reach the worker's Prometheus or OTLP exporter with
 * the SDK's own), and a client span per call under the activity's span when tracing is on (the
 * OpenTelemetry API is a no-op until a tracer provider is registered).
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FailureType } from '../common/failure-types';
import { CallOutcome, MetricNames } from '../common/metrics';
import { classifyMediaConnectError } from './classify-error';

/** The tracer of this package's own spans (one per MediaConnect call). */
export const TRACER_NAME = 'temporal-mediaconnect';

/**
 * Sends one MediaConnect call inside a `MediaConnect <operation>` span and counts it:
 * `mediaconnect_requests_total{operation, outcome}`, `mediaconnect_throttles_total{operation}`
 * and `mediaconnect_request_duration_seconds{operation}`.
 *
 * @param signal the call's abort signal, handed to `send`: an error after it fired is a timeout or a cancellation.
 */
export async function observeCall<T>(
  operation: string,
  flowArn: string | undefined,
  signal: AbortSignal,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attributes = {
    'rpc.system': 'aws-api',
    'rpc.service': 'MediaConnect',
    'rpc.method': operation,
    ...(flowArn && { 'mediaconnect.flow_arn': flowArn }),
  };
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(`MediaConnect ${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const startedAt = performance.now();
      let outcome: CallOutcome = CallOutcome.success;
      try {
        return await send(signal);
      } catch (error) {
        outcome = callOutcome(error, signal);
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        if (error instanceof Error) span.recordException(error);
        throw error;
      } finally {
        span.setAttribute('mediaconnect.outcome', outcome);
        span.end();
        const meter = activityMetricMeter();
        if (meter) {
          meter
            .createCounter(MetricNames.requests, undefined, 'MediaConnect calls, by operation and outcome')
            .add(1, { operation, outcome });
          if (outcome === CallOutcome.throttled)
            meter
              .createCounter(MetricNames.throttles, undefined, 'MediaConnect calls answered 429')
              .add(1, { operation });
          meter
            .createHistogram(MetricNames.requestDuration, 'float', 's', 'Time MediaConnect took to answer a call')
            .record((performance.now() - startedAt) / 1000, { operation });
        }
      }
    });
}

/**
 * Waits for the request budget's token, recording the wait in `mediaconnect_request_budget_wait_seconds`
 * and a refusal (the budget booked too far ahead, or out of reach) in
 * `mediaconnect_request_budget_refusals_total{reason}`.
 */
export async function observeBudgetWait(acquire: () => Promise<void>): Promise<void> {
  const startedAt = performance.now();
  try {
    await acquire();
    activityMetricMeter()
      ?.createHistogram(MetricNames.budgetWait, 'float', 's', 'Time a MediaConnect call waited for the request budget')
      .record((performance.now() - startedAt) / 1000);
  } catch (error) {
    const reason = (error as { type?: unknown }).type;
    if (typeof reason === 'string') {
      activityMetricMeter()
        ?.createCounter(MetricNames.budgetRefusals, undefined, 'MediaConnect calls the request budget refused')
        .add(1, { reason });
    }
    throw error;
  }
}

/** The outcome label of a failed call. Pure. */
export function callOutcome(error: unknown, signal?: AbortSignal): CallOutcome {
  if (signal?.aborted)
    return (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
      ? CallOutcome.networkError
      : CallOutcome.cancelled;
  const { name, throttled, httpStatus } = classifyMediaConnectError(error, Date.now());
  if (throttled) return CallOutcome.throttled;
  if (name === FailureType.MissingCredentials) return CallOutcome.clientError; // refused before sending
  if (httpStatus === undefined) return CallOutcome.networkError;
  return httpStatus >= 500 ? CallOutcome.serverError : CallOutcome.clientError;
}

function activityMetricMeter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined; // outside an activity (a plain unit test): nothing to count with
  }
}
