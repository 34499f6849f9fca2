/**
 * The guard against non-deterministic changes: histories recorded from real bring-ups
 * (`scripts/record-histories.ts`) must replay against today's workflow code without error. A
 * change that alters the commands a recorded run made fails here, in CI, before it can break
 * bring-ups that are running in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';

const HISTORIES_DIR = path.join(__dirname, 'histories');
const SCENARIOS = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();

/**
 * A recorded history, read back into the protobuf object the replayer takes. (The files hold
 * `History.toObject` JSON, not the SDK's `historyToJSON` form: see scripts/record-histories.ts.)
 */
function recorded(scenario: string): { workflowId: string; history: temporal.api.history.v1.History } {
  const json: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${scenario}.json`), 'utf8'));
  return { workflowId: scenario, history: temporal.api.history.v1.History.fromObject(json as Record<string, unknown>) };
}

async function replay(workflowsPath: string, scenarios: string[]): Promise<Map<string, ReplayResult>> {
  const results = new Map<string, ReplayResult>();
  for await (const result of Worker.runReplayHistories({ workflowsPath }, scenarios.map(recorded)))
    results.set(result.workflowId, result);
  return results;
}

let results: Map<string, ReplayResult>;
const began = Date.now();

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state changes are noise here
  results = await replay(require.resolve('../../src/workflows'), SCENARIOS);
  process.stdout.write(
    `\n[replay] ${JSON.stringify({ historiesReplayed: results.size, failed: [...results.values()].filter((r) => r.error).map((r) => r.workflowId), wallMs: Date.now() - began })}\n`,
  );
}, 120_000);

describe('recorded histories', () => {
  it('cover success, ERROR, throttling, continue-as-new, already ACTIVE, refusals, timeouts, signals, cancellation, fleets and the request budget', () => {
    expect(SCENARIOS).toEqual(
      expect.arrayContaining([
        'success',
        'flow-error',
        'throttled',
        'continue-as-new-run1',
        'continue-as-new-run2',
        'already-active',
        'already-starting',
        'known-status',
        'start-refused',
        'start-timeout',
        'signalled',
        'signalled-confirmed',
        'cancelled-while-starting',
        'fleet-report',
        'fleet-fail-fast',
        'fleet-cancelled',
        'request-budget-run1',
        'request-budget-run2',
        'event-day',
      ]),
    );
  });

  it.each(SCENARIOS)('%s replays against the current workflow code without a determinism error', (scenario) => {
    const result = results.get(scenario);
    expect(result).toBeDefined();
    expect(result?.error).toBeUndefined();
  });
});

describe('the replay guard itself', () => {
  it('reports a DeterminismViolationError when the workflow calls an extra activity before its loop', async () => {
    const changed = await replay(require.resolve('./fixtures/extra-activity-workflows'), ['success']);
    const error = changed.get('success')?.error;
    expect(error?.name).toBe(DeterminismViolationError.name);
    process.stdout.write(`\n[replay] changed workflow: ${error?.name}: ${error?.message.slice(0, 200)}\n`);
  }, 120_000);
});
