/**
 * The package's metrics as Prometheus scrapes them: the real worker entry point in its own process
 * (the Temporal runtime, and its metrics endpoint, are process-global) against the dev server and
 * the MediaConnect simulator, after three bring-ups (one ACTIVE, one throttled then ACTIVE, one
 * ERROR), a fleet, and a call the request budget refused. The exported names asserted here are the README's "Metrics" table and the
 * Grafana dashboard's queries (test/deploy/compose.test.ts reads them from EXPORTED_METRIC_NAMES).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WithStartWorkflowOperation, WorkflowFailedError } from '@temporalio/client';
import { startBringFleetOnline, startBringFlowOnline } from '../../src/client';
import { MetricNames } from '../../src/common/metrics';
import {
  DEFAULT_REQUEST_BUDGET,
  RequestBudgetNames,
  type RequestTokensAnswer,
  type RequestTokensRequest,
} from '../../src/common/request-budget-math';
import type { mediaConnectRequestBudget } from '../../src/workflows/request-budget-workflow';
import { MediaConnectSimulator } from '../../src/testing';
import { createDevServer } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/ports';
import { dashboardSelectors, parsePrometheusText, sampleValue, type PrometheusSample } from '../support/prometheus';

const taskQueue = 'observability-metrics';
const budgetId = `${taskQueue}-budget`;

let env: TestWorkflowEnvironment;
let simulator: MediaConnectSimulator;
let worker: WorkerProcess;
let metricsPort: number;
let samples: PrometheusSample[];
let refusedFlowArn: string;

beforeAll(async () => {
  [env, simulator, metricsPort] = await Promise.all([createDevServer(), MediaConnectSimulator.start(), freePort()]);
  worker = await startWorkerProcess(
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      AWS_ENDPOINT_URL_MEDIACONNECT: simulator.endpoint,
      AWS_REGION: simulator.region,
      AWS_ACCESS_KEY_ID: 'AKIDMETRICSTEST',
      AWS_SECRET_ACCESS_KEY: 'metrics-test-secret',
      LOG_FORMAT: 'json',
      TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
      MEDIACONNECT_REQUEST_BUDGET_ID: budgetId,
    },
    120_000,
  );

  const active = simulator.createFlow({ name: 'MetricsActive', startingDuration: 1_000 });
  const throttled = simulator.createFlow({ name: 'MetricsThrottled', startingDuration: 1_000 });
  const failing = simulator.createFlow({ name: 'MetricsError', startingDuration: 1_000, outcome: 'ERROR' });
  simulator.injectFault({ kind: 'throttle', operation: 'StartFlow', flowArn: throttled, retryAfterSeconds: 1 });
  const fleetFlows = [
    simulator.createFlow({ name: 'MetricsFleetA', startingDuration: 1_000 }),
    simulator.createFlow({ name: 'MetricsFleetB', startingDuration: 1_000 }),
  ];

  const handles = await Promise.all(
    [active, throttled, failing].map((flowArn) =>
      startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue }),
    ),
  );
  const fleet = await startBringFleetOnline(
    env.client,
    { flowArns: fleetFlows },
    { workflowId: `metrics-fleet-${Date.now()}`, taskQueue },
  );
  const [activeResult, throttledResult, failure] = await Promise.allSettled(handles.map((h) => h.result()));
  expect(activeResult).toMatchObject({ status: 'fulfilled', value: { status: 'ACTIVE' } });
  expect(throttledResult).toMatchObject({ status: 'fulfilled', value: { status: 'ACTIVE' } });
  expect(
    failure.status === 'rejected' &&
      failure.reason instanceof WorkflowFailedError &&
      (failure.reason.cause as { type?: string }).type,
  ).toBe('FlowError');
  expect(await fleet.result()).toMatchObject({ active: 2, failed: 0 });
  expect(simulator.stats().throttled).toBeGreaterThanOrEqual(1);

  // Another worker books the budget a minute ahead: the next call (the bring-up's first DescribeFlow) cannot wait that long (its 1 min
  // start-to-close leaves 49 s) and is refused, before any call. Its bring-up is then terminated.
  await bookRequests(Array(330).fill(3_600_000));
  refusedFlowArn = simulator.createFlow({ name: 'MetricsRefused' });
  const refused = await startBringFlowOnline(env.client, { flowArn: refusedFlowArn }, { taskQueue });

  // The runtime's exporter serves what it has recorded; a bring-up's last metric can trail its result by a moment.
  await waitFor(
    'the ERROR bring-up and the refusal in the metrics',
    async () => {
      samples = await scrape();
      return (
        sampleValue(samples, MetricNames.bringUps, { outcome: 'FlowError' }) >= 1 &&
        sampleValue(samples, MetricNames.bringUps, { outcome: 'ACTIVE' }) >= 4 &&
        sampleValue(samples, MetricNames.budgetRefusals, {}) >= 1
      );
    },
    30_000,
  );
  await refused.terminate('the metrics test saw its refusal');
}, 300_000);

async function scrape(): Promise<PrometheusSample[]> {
  return parsePrometheusText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
}

/** Reserves tokens from the worker's request budget, as another worker would. */
function bookRequests(maxWaitsMs: number[]): Promise<RequestTokensAnswer> {
  const limits = DEFAULT_REQUEST_BUDGET;
  return env.client.workflow.executeUpdateWithStart<
    typeof mediaConnectRequestBudget,
    RequestTokensAnswer,
    [RequestTokensRequest]
  >(RequestBudgetNames.reserveUpdate, {
    args: [{ maxWaitsMs }],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof mediaConnectRequestBudget>(
      RequestBudgetNames.workflowType,
      {
        workflowId: `${budgetId}:${simulator.region}`, // one budget per region: MEDIACONNECT_REQUEST_BUDGET_ID is its prefix
        taskQueue,
        args: [{ limits }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      },
    ),
  });
}

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await simulator?.stop();
  await env?.teardown();
});

describe('the worker metrics endpoint', () => {
  it('counts MediaConnect calls by operation and outcome, with the labels the SDK adds (camelCase) and never a flow ARN', () => {
    // Five starts went out well, one was throttled; the ERROR flow's StartFlow succeeded too.
    expect(sampleValue(samples, MetricNames.requests, { operation: 'StartFlow', outcome: 'success' })).toBe(5);
    expect(sampleValue(samples, MetricNames.requests, { operation: 'StartFlow', outcome: 'throttled' })).toBe(1);
    expect(
      sampleValue(samples, MetricNames.requests, { operation: 'DescribeFlow', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sampleValue(samples, MetricNames.requests, { operation: 'ListFlows', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      samples.find((s) => s.name === MetricNames.requests && s.labels.operation === 'StartFlow')?.labels,
    ).toMatchObject({ taskQueue, namespace: 'default', activityType: 'startFlow' });
    expect(
      samples
        .filter((s) => s.name === MetricNames.requests)
        .every((s) => !Object.values(s.labels).some((v) => v.startsWith('arn:'))),
    ).toBe(true);
  });

  it('counts the 429 as a throttle of StartFlow', () => {
    expect(sampleValue(samples, MetricNames.throttles, { operation: 'StartFlow' })).toBe(1);
    expect(sampleValue(samples, MetricNames.throttles, { operation: 'DescribeFlow' })).toBe(0);
  });

  it('records call durations and request-budget waits as histograms in seconds', () => {
    const calls = sampleValue(samples, MetricNames.requests, {});
    expect(sampleValue(samples, `${MetricNames.requestDuration}_count`, {})).toBe(calls);
    expect(sampleValue(samples, `${MetricNames.requestDuration}_bucket`, { operation: 'StartFlow', le: '10' })).toBe(6);
    // Every call first waited for its token from the request budget (on by default in the worker).
    expect(sampleValue(samples, `${MetricNames.budgetWait}_count`, {})).toBe(calls);
    expect(sampleValue(samples, `${MetricNames.budgetWait}_bucket`, { le: '+Inf' })).toBe(calls);
  });

  it('counts the request budget’s refusal, which made no call', () => {
    expect(
      sampleValue(samples, MetricNames.budgetRefusals, {
        reason: 'RequestBudgetExhausted',
        activityType: 'describeFlow',
      }),
    ).toBe(1);
    expect(simulator.calls({ flowArn: refusedFlowArn })).toHaveLength(0);
  });

  it('counts bring-ups by outcome and records their durations', () => {
    // Three single bring-ups and the fleet's two children.
    expect(sampleValue(samples, MetricNames.bringUps, { outcome: 'ACTIVE', workflowType: 'bringFlowOnline' })).toBe(4);
    expect(sampleValue(samples, MetricNames.bringUps, { outcome: 'FlowError' })).toBe(1);
    expect(sampleValue(samples, `${MetricNames.bringUpDuration}_count`, { outcome: 'ACTIVE' })).toBe(4);
    expect(sampleValue(samples, `${MetricNames.bringUpDuration}_sum`, { outcome: 'ACTIVE' })).toBeGreaterThan(0);
  });

  it('shows the fleet’s flows per MediaConnect status, zeros included', () => {
    expect(sampleValue(samples, MetricNames.fleetFlows, { status: 'ACTIVE', workflowType: 'bringFleetOnline' })).toBe(
      2,
    );
    expect(sampleValue(samples, MetricNames.fleetFlows, { status: 'ERROR' })).toBe(0);
    expect(
      samples
        .filter((s) => s.name === MetricNames.fleetFlows)
        .map((s) => s.labels.status)
        .sort(),
    ).toEqual(['ACTIVE', 'DELETING', 'ERROR', 'STANDBY', 'STARTING', 'STOPPING', 'UNKNOWN', 'UPDATING']);
  });

  it('exports the names the README and the dashboard use, next to the SDK’s own', () => {
    const names = new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of Object.values(MetricNames)) expect(names).toContain(name);
    expect(names).toContain('temporal_activity_execution_latency');
  });

  it('has every metric and label the Grafana dashboard queries', () => {
    const selectors = dashboardSelectors();
    expect(selectors.length).toBeGreaterThanOrEqual(10);
    for (const { panel, metric, labels } of selectors) {
      const exported = samples.filter((s) => s.name === metric);
      const missing = labels.filter((label) => !exported.some((s) => label in s.labels));
      expect({ panel, metric, exported: exported.length > 0, missing }).toEqual({
        panel,
        metric,
        exported: true,
        missing: [],
      });
    }
  });
});
