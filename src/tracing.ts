/**
 * Opt-in OpenTelemetry tracing for the worker, with the SDK's own interceptors
 * (`@temporalio/interceptors-opentelemetry`): a workflow's span continues the trace of the client
 * call that started it, each activity's span continues the workflow's, and each MediaConnect call
 * gets a `MediaConnect <operation>` span inside its activity's.
 *
 * Spans made in the worker process (activities, MediaConnect calls, the worker's own client calls)
 * go to the global tracer provider; register one with a context manager and the W3C propagator
 * (`NodeTracerProvider.register()` or the NodeSDK's `start()` do both). Workflow spans are made in
 * the workflow sandbox and leave it through a sink, to the span processor given here.
 */
import { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { WorkerOptions } from '@temporalio/worker';

/** `createWorker({ tracing })`. */
export interface WorkerTracingOptions {
  /** Receives the workflows' spans: normally the processor (and exporter) of your tracer provider. */
  spanProcessor: SpanProcessor;
  /** The resource workflow spans carry. @default `service.name` = `temporal-mediaconnect-worker` */
  resource?: Resource;
}

/**
 * The workflow interceptor module that makes the workflow spans. `createWorker` adds it when it
 * bundles the workflows; a pre-built bundle (`WORKFLOW_BUNDLE_PATH`) must have been built with it:
 * `bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTOR_MODULE] })`.
 */
export const TRACING_WORKFLOW_INTERCEPTOR_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const DEFAULT_RESOURCE = new Resource({ 'service.name': 'temporal-mediaconnect-worker' });

/** The worker options that turn tracing on, merged into `workerOptions`' own interceptors and sinks. */
export function withTracing(
  tracing: WorkerTracingOptions,
  options: Partial<WorkerOptions> = {},
): Partial<WorkerOptions> {
  const interceptors = options.interceptors ?? {};
  return {
    ...options,
    interceptors: {
      ...interceptors,
      // (a legacy object of client interceptors is left as it is: the worker's own client calls then go untraced)
      client: Array.isArray(interceptors.client?.workflow ?? [])
        ? {
            ...interceptors.client,
            workflow: [new OpenTelemetryWorkflowClientInterceptor(), ...((interceptors.client?.workflow as []) ?? [])],
          }
        : interceptors.client,
      workflowModules: [TRACING_WORKFLOW_INTERCEPTOR_MODULE, ...(interceptors.workflowModules ?? [])],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        ...(interceptors.activity ?? []),
      ],
    },
    sinks: {
      ...options.sinks,
      exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource ?? DEFAULT_RESOURCE),
    },
  };
}
