/**
 * Opt-in tracing: one trace from the client's start, through the workflow, to each activity and
 * each MediaConnect call inside it. A real dev server and the simulator; the spans land in an
 * in-memory exporter, registered as a Node application would (NodeTracerProvider.register()).
 */
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBringFlowOnline } from '../../src/client';
import { tracingWorkflowInterceptorModule } from '../../src/tracing';
import { createWorker } from '../../src/worker';
import { mediaConnectClientFor } from '../support/aws';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'observability-tracing';
const exporter = new InMemorySpanExporter();
const spanProcessor = new SimpleSpanProcessor(exporter);
const provider = new NodeTracerProvider({ spanProcessors: [spanProcessor] });

beforeAll(() => provider.register()); // the global tracer provider, an async-hooks context manager, the W3C propagator
const bed = useTestbed({ server: 'dev', taskQueue, worker: { tracing: { spanProcessor } } });
afterAll(() => provider.shutdown()); // after the testbed's own afterAll: the worker has flushed its spans

const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('tracing a bring-up', () => {
  it('follows a start from the client through the workflow to each MediaConnect call, in one trace', async () => {
    const client = new Client({
      connection: bed.env.connection,
      interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    });
    const flowArn = bed.sim.createFlow({ name: 'TracedShow', startingDuration: 1_000 });
    const handle = await startBringFlowOnline(
      client,
      { flowArn, pollInterval: '1s' },
      { taskQueue, searchAttributes: false },
    );
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    // Workflow spans leave the sandbox through a sink once their activation completes.
    await waitFor(
      'the workflow span',
      () => named(exporter.getFinishedSpans(), 'RunWorkflow:bringFlowOnline').length > 0,
      20_000,
    );

    const spans = exporter.getFinishedSpans();
    const [start] = named(spans, 'StartWorkflow:bringFlowOnline');
    expect(start).toBeDefined();
    const traceId = start.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));

    const [run] = named(inTrace, 'RunWorkflow:bringFlowOnline');
    expect(run?.parentSpanId).toBe(start.spanContext().spanId);
    expect(named(inTrace, 'StartActivity:startFlow')).toHaveLength(1);

    const startCalls = named(inTrace, 'MediaConnect StartFlow');
    const describeCalls = named(inTrace, 'MediaConnect DescribeFlow');
    expect(startCalls).toHaveLength(1);
    expect(describeCalls.length).toBeGreaterThanOrEqual(2); // STANDBY first, then until ACTIVE
    // Each MediaConnect call sits inside its activity's span, which sits under the workflow's.
    for (const call of [...startCalls, ...describeCalls]) {
      const activity = byId.get(call.parentSpanId ?? '');
      expect(activity?.name).toBe(
        call.name === 'MediaConnect StartFlow' ? 'RunActivity:startFlow' : 'RunActivity:describeFlow',
      );
      expect(call.attributes).toMatchObject({
        'rpc.service': 'MediaConnect',
        'rpc.method': call.name.split(' ')[1],
        'mediaconnect.flow_arn': flowArn,
        'mediaconnect.outcome': 'success',
      });
      expect(byId.get(byId.get(activity?.parentSpanId ?? '')?.parentSpanId ?? '')).toBe(run);
    }
    // Nothing of this bring-up landed in another trace.
    expect(spans.filter((s) => s.name.startsWith('MediaConnect ') && s.spanContext().traceId !== traceId)).toHaveLength(
      0,
    );
  });

  it('marks a throttled call’s span as an error with its outcome', async () => {
    exporter.reset();
    const client = new Client({
      connection: bed.env.connection,
      interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    });
    const flowArn = bed.sim.createFlow({ name: 'TracedThrottled', startingDuration: 500 });
    bed.sim.injectFault({ kind: 'throttle', operation: 'StartFlow', flowArn, retryAfterSeconds: 1 });
    const handle = await startBringFlowOnline(
      client,
      { flowArn, pollInterval: '1s' },
      { taskQueue, searchAttributes: false },
    );
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    const starts = named(exporter.getFinishedSpans(), 'MediaConnect StartFlow');
    expect(starts.map((s) => s.attributes['mediaconnect.outcome'])).toEqual(['throttled', 'success']);
    expect(starts[0].status.code).toBe(2); // SpanStatusCode.ERROR
    expect(new Set(starts.map((s) => s.spanContext().traceId)).size).toBe(1);
  });
});

describe('tracing with a pre-built workflow bundle', () => {
  it('traces the workflow when the bundle was built with tracingWorkflowInterceptorModule', async () => {
    exporter.reset();
    const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'traced-bundle-'));
    // As the README tells a user with a pre-built bundle to build it.
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      workflowInterceptorModules: [tracingWorkflowInterceptorModule()],
      logger: new DefaultLogger('WARN'),
    });
    const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
    await writeFile(bundlePath, code);
    const bundledQueue = `${taskQueue}-bundled`;
    const mediaConnect = mediaConnectClientFor(bed.sim.endpoint, bed.sim.region);
    const bundledWorker = await createWorker({
      connection: bed.env.nativeConnection,
      namespace: 'default',
      taskQueue: bundledQueue,
      mediaConnect,
      requestBudget: false,
      workflowBundlePath: bundlePath,
      tracing: { spanProcessor },
    });
    try {
      await bundledWorker.runUntil(async () => {
        const client = new Client({
          connection: bed.env.connection,
          interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
        });
        const flowArn = bed.sim.createFlow({ name: 'TracedBundled', startingDuration: 500 });
        const handle = await startBringFlowOnline(
          client,
          { flowArn, pollInterval: '1s' },
          { taskQueue: bundledQueue, searchAttributes: false },
        );
        expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
        await waitFor(
          'the workflow span',
          () => named(exporter.getFinishedSpans(), 'RunWorkflow:bringFlowOnline').length > 0,
          20_000,
        );
      });
    } finally {
      mediaConnect.destroy();
      await rm(bundleDir, { recursive: true, force: true });
    }
    const spans = exporter.getFinishedSpans();
    const [start] = named(spans, 'StartWorkflow:bringFlowOnline');
    const [run] = named(spans, 'RunWorkflow:bringFlowOnline');
    expect(run.parentSpanId).toBe(start.spanContext().spanId);
    expect(named(spans, 'MediaConnect StartFlow').map((s) => s.spanContext().traceId)).toEqual([
      start.spanContext().traceId,
    ]);
  });
});
