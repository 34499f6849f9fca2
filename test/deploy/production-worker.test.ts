/**
 * The worker in production mode, as the container runs it: a pre-built workflow bundle
 * (WORKFLOW_BUNDLE_PATH, written by scripts/bundle-workflows.ts), JSON log lines, Prometheus
 * metrics, credentials from the environment. The real entry point runs in its own process
 * against the Temporal dev server and the MediaConnect simulator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBringFlowOnline } from '../../src/client';
import { FlowStatusSearchAttribute } from '../../src/common/search-attributes';
import { MediaConnectSimulator } from '../../src/testing';
import { bundleWorkflows, type WorkflowBundleFile } from '../../scripts/bundle-workflows';
import { createDevServer } from '../support/temporal';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/ports';

const taskQueue = 'deploy-production';
// A value that must never reach the logs, whatever the log level.
const SECRET_ACCESS_KEY = `production-secret-${process.pid}-${Date.now()}`;

let env: TestWorkflowEnvironment;
let simulator: MediaConnectSimulator;
let worker: WorkerProcess;
let bundleDir: string;
let bundle: WorkflowBundleFile;
let metricsPort: number;
let stderr = '';
let stdout = '';
let startupMs: number;

function logLines(): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '');
}

function parsedLogLines(): Array<Record<string, unknown>> {
  return logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function metricsText(): Promise<{ status: number; contentType: string | null; body: string }> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

beforeAll(async () => {
  bundleDir = await mkdtemp(path.join(os.tmpdir(), 'workflow-bundle-'));
  [bundle, env, simulator, metricsPort] = await Promise.all([
    bundleWorkflows(path.join(bundleDir, 'workflow-bundle.js')),
    createDevServer(),
    MediaConnectSimulator.start(),
    freePort(),
  ]);
  const started = Date.now();
  worker = spawnWorker({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    AWS_ENDPOINT_URL_MEDIACONNECT: simulator.endpoint,
    AWS_REGION: simulator.region,
    AWS_ACCESS_KEY_ID: 'AKIDPRODUCTIONTEST',
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    LOG_FORMAT: 'json',
    TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
    WORKFLOW_BUNDLE_PATH: bundle.path,
  });
  worker.child.stderr?.on('data', (chunk) => (stderr += chunk));
  worker.child.stdout?.on('data', (chunk) => (stdout += chunk));
  await waitFor(
    'the worker to start',
    () => worker.output().includes('Worker running') || worker.child.exitCode !== null,
    90_000,
  );
  startupMs = Date.now() - started;
  if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
}, 150_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await simulator?.stop();
  await env?.teardown();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe('the worker in production mode', () => {
  it('runs from the pre-built workflow bundle instead of bundling at start-up', () => {
    expect(bundle.bytes).toBeGreaterThan(100_000);
    const running = parsedLogLines().find((line) => line.message === 'Worker running');
    expect(running).toMatchObject({
      level: 'INFO',
      namespace: 'default',
      taskQueue,
      mediaConnectEndpoint: simulator.endpoint,
    });
    // Without a bundle the SDK runs webpack at start-up and logs "Workflow bundle created".
    expect(parsedLogLines().map((line) => line.message)).not.toContain('Workflow bundle created');
    expect(startupMs).toBeLessThan(60_000);
  });

  it('brings a flow online to ACTIVE', async () => {
    const flowArn = simulator.createFlow({ name: 'ProductionShow', startingDuration: 1_500 });
    const handle = await startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue });
    expect(await handle.result()).toMatchObject({ flowArn, status: 'ACTIVE', startedByWorkflow: true });
    expect((await handle.describe()).typedSearchAttributes.get(FlowStatusSearchAttribute)).toBe('ACTIVE');
  });

  it('writes every log line to stderr as one JSON object with time, level and message', () => {
    expect(stdout).toBe('');
    expect(logLines().length).toBeGreaterThan(0);
    for (const line of logLines()) {
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      expect({ line, parsed }).toEqual({
        line,
        parsed: expect.objectContaining({
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          level: expect.stringMatching(/^(TRACE|DEBUG|INFO|WARN|ERROR)$/),
          message: expect.any(String),
        }),
      });
    }
  });

  it('serves Prometheus metrics of the Temporal SDK, including the activities it ran', async () => {
    const { status, contentType, body } = await metricsText();
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain/);
    const names = new Set([...body.matchAll(/^(temporal_[a-z_]+?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1]));
    expect([...names]).toEqual(
      expect.arrayContaining([
        'temporal_worker_task_slots_available',
        'temporal_activity_execution_latency',
        'temporal_workflow_completed',
        'temporal_request',
      ]),
    );
    expect(body).toMatch(
      new RegExp(`^temporal_workflow_completed\\{[^}]*task_queue="${taskQueue}"[^}]*\\} [1-9]`, 'm'),
    );
  });

  it('never writes the AWS secret access key to its output', () => {
    expect(worker.output()).not.toContain(SECRET_ACCESS_KEY);
  });

  it('shuts down cleanly on SIGTERM, as a container stop sends it', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
