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
import type * as OpenTelemetryWorker from '@temporalio/interceptors-opentelemetry/lib/worker';
import type * as OpenTelemetryClient from '@temporalio/interceptors-opentelemetry/lib/client';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * The SDK's interceptors are an optional peer dependency (their release must match your
 * `@temporalio/*`), loaded only when tracing is asked for.
 */
const INTERCEPTORS_PACKAGE = '@temporalio/interceptors-opentelemetry';

function requireInterceptors<T>(subpath: string, load: (id: string) => T): T {
  try {
    return load(`${INTERCEPTORS_PACKAGE}/lib/${subpath}`);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(
      `Tracing needs ${INTERCEPTORS_PACKAGE}: install the release of your @temporalio/* packages (npm install ${INTERCEPTORS_PACKAGE}@<that version>)`,
      { cause: err },
    );
  }
}

/** `createWorker({ tracing })`. */
export interface WorkerTracingOptions {
  /** Receives the workflows' spans: normally the processor (and exporter) of your tracer provider. */
  spanProcessor: SpanProcessor;
  /** The resource workflow spans carry. @default `service.name` = `temporal-mediaconnect-worker` */
  resource?: Resource;
}

/**
 * The path of the workflow interceptor module that makes the workflow spans. `createWorker` adds it
 * when it bundles the workflows; a pre-built bundle (`WORKFLOW_BUNDLE_PATH`) must have been built with it:
 * `bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [tracingWorkflowInterceptorModule()] })`.
 * @throws Error when `@temporalio/interceptors-opentelemetry` is not installed.
 */
export function tracingWorkflowInterceptorModule(): string {
  return requireInterceptors('workflow-interceptors', require.resolve);
}

const DEFAULT_RESOURCE = new Resource({ 'service.name': 'temporal-mediaconnect-worker' });

/**
 * The worker options that turn tracing on, merged into `workerOptions`' own interceptors and sinks.
 * @param prebuilt the workflows come from a pre-built bundle, which must already hold the workflow interceptor.
 */
export function withTracing(
  tracing: WorkerTracingOptions,
  options: Partial<WorkerOptions> = {},
  prebuilt = false,
): Partial<WorkerOptions> {
  const { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } =
    requireInterceptors('worker', (id) => require(id) as typeof OpenTelemetryWorker);
  const { OpenTelemetryWorkflowClientInterceptor } = requireInterceptors(
    'client',
    (id) => require(id) as typeof OpenTelemetryClient,
  );
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
      workflowModules: [
        ...(prebuilt ? [] : [tracingWorkflowInterceptorModule()]),
        ...(interceptors.workflowModules ?? []),
      ],
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
