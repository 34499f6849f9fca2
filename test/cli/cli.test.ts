/**
 * The operators' CLI against a real Temporal dev server, the MediaConnect simulator and an
 * in-process worker. Most cases run `runCli` in-process; a few run the real entry point in a
 * child process to check the exit codes a shell sees.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bringFlowOnlineWorkflowId } from '../../src/client';
import { FlowNameSearchAttribute } from '../../src/common/search-attributes';
import { BAD_FLOW_ARNS, GOOD_ARN } from '../support/bad-inputs';
import { waitFor } from '../support/wait-for';
import { useTestbed } from '../support/testbed';
import { runCliAgainst, type CliRun as BaseCliRun } from '../support/cli';

const REPO = path.resolve(__dirname, '..', '..');
const taskQueue = 'cli-test';
const bed = useTestbed({ server: 'dev', taskQueue });

/** A bring-up as `--json` reports it. */
type JsonRow = Record<string, unknown> & {
  failure?: { type: string; message: string; details?: Array<{ errors?: string[] }> };
};

/** A CLI run whose stdout is the `--json` document of `start` or `status`. */
interface CliRun extends Omit<BaseCliRun, 'json'> {
  json: () => { ok: boolean; bringUps: JsonRow[]; started?: Array<Record<string, unknown>> };
}

/** Runs the CLI in-process against the dev server. */
function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  return runCliAgainst(bed, args, extraEnv);
}

const FAST = ['--task-queue', taskQueue, '--poll-interval', '200ms', '--refresh-ms', '100'];

async function workflowExists(flowArn: string): Promise<boolean> {
  try {
    await bed.env.client.workflow.getHandle(bringFlowOnlineWorkflowId(flowArn)).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

describe('start --wait --json', () => {
  it('brings two flows online and exits 0 with one JSON document naming both ACTIVE; progress goes to stderr', async () => {
    const arns = [
      bed.sim.createFlow({ name: 'MainStage', startingDuration: 600 }),
      bed.sim.createFlow({ name: 'PressRoom', startingDuration: 900 }),
    ];
    const run = await cli(['start', ...arns, '--wait', '--json', ...FAST]);
    expect(run.code).toBe(0);
    const report = run.json();
    expect(report.ok).toBe(true);
    expect(report.bringUps).toEqual([
      expect.objectContaining({
        flowArn: arns[0],
        flowName: 'MainStage',
        state: 'active',
        flowStatus: 'ACTIVE',
        workflowId: bringFlowOnlineWorkflowId(arns[0]),
      }),
      expect.objectContaining({
        flowArn: arns[1],
        flowName: 'PressRoom',
        state: 'active',
        flowStatus: 'ACTIVE',
        workflowId: bringFlowOnlineWorkflowId(arns[1]),
      }),
    ]);
    expect(report.bringUps[0].polls).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/^MainStage: ACTIVE \(\d+ polls, [\d.]+m?s\)$/m);
    expect(run.stderr).not.toContain('\x1b['); // not a terminal: no cursor moves
    expect(bed.sim.flowStatus(arns[0])).toBe('ACTIVE');
  });

  it('exits 1 when a flow ends in ERROR, and the JSON names FlowError with the flow’s own messages', async () => {
    const messages = [
      'Source "cam1" could not connect: SRT handshake timed out',
      'Output "main" destination 198.51.100.7:5000 is unreachable',
    ];
    const good = bed.sim.createFlow({ name: 'Backstage', startingDuration: 300 });
    const broken = bed.sim.createFlow({
      name: 'RedCarpet',
      startingDuration: 300,
      outcome: 'ERROR',
      errorMessages: messages,
    });
    const run = await cli(['start', good, broken, '--wait', '--json', ...FAST]);
    expect(run.code).toBe(1);
    const report = run.json();
    expect(report.ok).toBe(false);
    expect(report.bringUps[0]).toMatchObject({ flowName: 'Backstage', state: 'active' });
    expect(report.bringUps[1]).toMatchObject({
      flowName: 'RedCarpet',
      state: 'failed',
      flowStatus: 'ERROR',
      failure: { type: 'FlowError' },
    });
    expect(report.bringUps[1].failure?.message).toContain(messages[0]);
    expect(report.bringUps[1].failure?.details?.[0].errors).toEqual(messages);
  });

  it('prints a progress line per change and a summary naming the failure when not asked for JSON', async () => {
    const broken = bed.sim.createFlow({
      name: 'Podium',
      startingDuration: 200,
      outcome: 'ERROR',
      errorMessages: ['Source lost'],
    });
    const run = await cli(['start', broken, '--wait', ...FAST]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Summary: 0 of 1 flows ACTIVE, 1 failed');
    expect(run.stdout).toMatch(/Podium\s+FlowError: Flow Podium went to ERROR: Source lost/);
  });
});

describe('start without --wait', () => {
  it('starts the bring-up, prints its workflow id and returns at once', async () => {
    const flowArn = bed.sim.createFlow({ name: 'SkyCam', startingDuration: 300 });
    const run = await cli(['start', flowArn, '--json', ...FAST, '--no-search-attributes']);
    expect(run.code).toBe(0);
    expect(run.json().started).toEqual([
      expect.objectContaining({
        flowArn,
        flowName: 'SkyCam',
        workflowId: bringFlowOnlineWorkflowId(flowArn),
        runId: expect.any(String),
      }),
    ]);
    const handle = bed.env.client.workflow.getHandle(bringFlowOnlineWorkflowId(flowArn));
    expect(await handle.result()).toMatchObject({ status: 'ACTIVE' });
    expect((await handle.describe()).typedSearchAttributes.get(FlowNameSearchAttribute)).toBeUndefined();
  });
});

describe('status', () => {
  it('shows a running bring-up with the flow status from its progress query, polls and elapsed time', async () => {
    const flowArn = bed.sim.createFlow({ name: 'LongStart', startingDuration: 120_000 });
    expect((await cli(['start', flowArn, ...FAST])).code).toBe(0);
    let report: ReturnType<CliRun['json']> | undefined;
    await waitFor('the bring-up to see STARTING', async () => {
      const run = await cli(['status', flowArn, '--json']);
      expect(run.code).toBe(0);
      report = run.json();
      return report.bringUps[0].flowStatus === 'STARTING';
    });
    expect(report?.ok).toBe(true);
    expect(report?.bringUps[0]).toMatchObject({
      flowName: 'LongStart',
      state: 'running',
      workflowStatus: 'RUNNING',
      flowStatus: 'STARTING',
    });
    expect(report?.bringUps[0].polls).toBeGreaterThanOrEqual(1);
    expect(report?.bringUps[0].elapsedMs).toBeGreaterThan(0);

    const table = await cli(['status', flowArn]);
    expect(table.stdout).toMatch(/^LongStart\s+STARTING\s+\d+\s+[\d.]+m?s$/m);
    await bed.env.client.workflow.getHandle(bringFlowOnlineWorkflowId(flowArn)).terminate('test over');
  });

  it('shows finished bring-ups: ACTIVE with polls, and failed with the failure type and message (exit 1)', async () => {
    const active = bed.sim.createFlow({ name: 'Finished', startingDuration: 200 });
    const broken = bed.sim.createFlow({
      name: 'Broken',
      startingDuration: 200,
      outcome: 'ERROR',
      errorMessages: ['Source unreachable'],
    });
    expect((await cli(['start', active, broken, '--wait', ...FAST])).code).toBe(1);

    const ok = await cli(['status', active, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json().bringUps[0]).toMatchObject({ state: 'active', workflowStatus: 'COMPLETED', flowStatus: 'ACTIVE' });
    expect(ok.json().bringUps[0].polls).toBeGreaterThanOrEqual(2);

    const failed = await cli(['status', active, broken]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^Finished\s+ACTIVE/m);
    expect(failed.stdout).toMatch(/^Broken\s+FAILED FlowError/m);
    expect(failed.stdout).toContain('FlowError: Flow Broken went to ERROR: Source unreachable');
  });

  it('exits 1 and says so when no bring-up exists for a flow', async () => {
    const run = await cli(['status', GOOD_ARN, '--json']);
    expect(run.code).toBe(1);
    expect(run.json().bringUps[0]).toMatchObject({ flowArn: GOOD_ARN, state: 'not-found' });
  });
});

describe('bad input never reaches Temporal', () => {
  // A command line carries strings only: the catalogue's non-string values have no CLI form.
  const stringArns = BAD_FLOW_ARNS.filter((bad) => typeof bad.value === 'string');

  it.each(stringArns.map((bad) => [bad.label, bad.value as string, bad.says]))(
    'refuses %s with exit code 2, a clear message, and starts nothing',
    async (_label, value, says) => {
      const before = (await bed.env.client.workflow.count()).count;
      const run = await cli(['start', value, '--wait', ...FAST]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(says);
      expect(run.stderr).toContain('Invalid MediaConnect flow ARN');
      expect(run.stdout).toBe('');
      expect((await bed.env.client.workflow.count()).count).toBe(before);
    },
  );

  it('starts nothing at all when one ARN of several is malformed', async () => {
    const good = bed.sim.createFlow({ name: 'AllOrNothing' });
    const run = await cli(['start', good, 'arn:aws:s3:::my-bucket', ...FAST]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('argument 2: Invalid MediaConnect flow ARN');
    expect(run.stderr).toContain('Nothing was started.');
    expect(await workflowExists(good)).toBe(false);
    expect(bed.sim.calls({ flowArn: good })).toHaveLength(0);
  });

  it.each([
    [['--poll-interval', 'often'], '--poll-interval must be a duration'],
    [['--poll-interval', '10ms'], '--poll-interval must be between 100 ms and 3600000 ms'],
    [['--timeout', '0s'], '--timeout must be between 1000 ms'],
    [['--connect-timeout', 'soon'], '--connect-timeout must be a duration'],
    [['--address', 'http://temporal:7233'], '--address must be host:port'],
    [['--frobnicate'], "unknown option '--frobnicate'"],
  ])('refuses %j with exit code 2 and a message naming it', async (flags, says) => {
    const flowArn = bed.sim.createFlow({ name: 'BadFlags' });
    const run = await cli(['start', flowArn, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(await workflowExists(flowArn)).toBe(false);
  });

  it('names TEMPORAL_ADDRESS when the environment gives a malformed one', async () => {
    const run = await cli(['status', GOOD_ARN], { TEMPORAL_ADDRESS: 'temporal.example.com' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TEMPORAL_ADDRESS must be host:port');
  });
});

describe('an unreachable Temporal', () => {
  it('exits 3, without retrying until a test times out, with a message naming the address and TEMPORAL_ADDRESS', async () => {
    const started = Date.now();
    const run = await cli(['start', GOOD_ARN, '--address', '127.0.0.1:1', '--connect-timeout', '1s']);
    expect(run.code).toBe(3);
    // A generous bound on a behaviour, not a speed: it gives up (1 s connect timeout) instead of retrying for minutes.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stderr).toContain('Cannot reach Temporal at 127.0.0.1:1');
    expect(run.stderr).toContain('TEMPORAL_ADDRESS');
  });

  it('exits 3 naming TEMPORAL_NAMESPACE when the namespace does not exist', async () => {
    const flowArn = bed.sim.createFlow({ name: 'NoNamespace' });
    const run = await cli(['start', flowArn, '--namespace', 'no-such-namespace', ...FAST]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('TEMPORAL_NAMESPACE');
  });
});

describe('the real entry point, in a child process', () => {
  function runEntryPoint(args: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'cli', 'main.ts'), ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', TEMPORAL_ADDRESS: bed.env.address },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
  }

  it('exits 0 when every flow comes up', async () => {
    const flowArn = bed.sim.createFlow({ name: 'ChildProcess', startingDuration: 300 });
    const { code, output } = await runEntryPoint(['start', flowArn, '--wait', ...FAST]);
    expect(output).toContain('Summary: 1 of 1 flows ACTIVE, 0 failed');
    expect(code).toBe(0);
  });

  it('exits 2 for a malformed ARN', async () => {
    const { code, output } = await runEntryPoint(['start', 'arn:aws:s3:::my-bucket']);
    expect(output).toContain('8 colon-separated parts');
    expect(code).toBe(2);
  });

  it('exits 3 when Temporal cannot be reached', async () => {
    const { code, output } = await runEntryPoint([
      'status',
      GOOD_ARN,
      '--address',
      '127.0.0.1:1',
      '--connect-timeout',
      '1s',
    ]);
    expect(output).toContain('TEMPORAL_ADDRESS');
    expect(code).toBe(3);
  });
});
