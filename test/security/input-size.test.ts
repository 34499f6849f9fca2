/**
 * The biggest inputs the package accepts, on a real Temporal dev server: a fleet of 1000 flows whose
 * ARNs each have the maximum length, and a command line of thousands of arguments. Each either works
 * or is refused with a clear error before anything is sent; none meets the server's payload limit
 * (2 MiB per blob) in the middle of a start.
 */
import { temporal } from '@temporalio/proto';
import { ApplicationFailure } from '@temporalio/common';
import { bringFlowOnlineWorkflowId, startBringFleetOnline } from '../../src/client';
import { runCli } from '../../src/cli/main';
import { MAX_CLI_FLOWS } from '../../src/cli/validate';
import { flowArnProblem, MAX_FLOW_ARN_LENGTH } from '../../src/common/arn';
import { MAX_FLEET_SIZE } from '../../src/common/bring-fleet-online-input';
import { printFigures } from '../reliability/fleet';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'security-input-size';
// Every call goes to its flow's region: the simulator serves the longest ARNs' stretched region too.
const bed = useTestbed({
  server: 'dev',
  taskQueue,
  simulator: { rateLimit: false, regions: ['us-east-1', longestFlowArn(0).split(':')[3]] },
});
/** The dev server's (and Temporal's default) limit on one payload blob. */
const BLOB_SIZE_LIMIT = 2 * 1024 * 1024;

/**
 * A well-formed flow ARN of exactly MAX_FLOW_ARN_LENGTH characters, distinct per `i`: a flow id and a
 * name of 128 characters each (the grammar's most), and the region stretched to fill the rest.
 */
function longestFlowArn(i: number): string {
  const flowId = `1-${String(i).padStart(6, '0')}`.padEnd(128, 'a');
  const flowName = `Flow-${i}`.padEnd(128, 'x');
  const fixed = `arn:aws:mediaconnect::111122223333:flow:${flowId}:${flowName}`.length;
  const region = `us-${'w'.repeat(MAX_FLOW_ARN_LENGTH - fixed - 'us--1'.length)}-1`;
  return `arn:aws:mediaconnect:${region}:111122223333:flow:${flowId}:${flowName}`;
}

/** True when a workflow with this id exists on the server (read from the workflow itself, not from visibility). */
async function exists(workflowId: string): Promise<boolean> {
  try {
    await bed.env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

/** Sizes in bytes of the payloads of every event of a workflow's history, largest first. */
async function payloadSizes(
  workflowId: string,
): Promise<{ input: number; result: number; largestEvent: number; events: number }> {
  const history = await bed.env.client.workflow.getHandle(workflowId).fetchHistory();
  const { HistoryEvent } = temporal.api.history.v1;
  const sizes = (history.events ?? []).map(
    (event) => HistoryEvent.encode(HistoryEvent.fromObject(event)).finish().length,
  );
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const completed = history.events?.at(-1)?.workflowExecutionCompletedEventAttributes;
  const bytes = (payloads?: temporal.api.common.v1.IPayloads | null) =>
    (payloads?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
  return {
    input: bytes(started?.input),
    result: bytes(completed?.result),
    largestEvent: Math.max(...sizes),
    events: sizes.length,
  };
}

describe('the longest ARNs', () => {
  it('are what the grammar allows: MAX_FLOW_ARN_LENGTH characters, well-formed, one character more is refused', () => {
    expect(longestFlowArn(7)).toHaveLength(MAX_FLOW_ARN_LENGTH);
    expect(flowArnProblem(longestFlowArn(7))).toBeUndefined();
    expect(flowArnProblem(longestFlowArn(7).replace(':us-', ':us-w'))).toMatch(/characters long; the limit is 512/);
  });
});

describe('a fleet of 1000 flows with ARNs of maximum length', () => {
  const flowArns = Array.from({ length: MAX_FLEET_SIZE }, (_, i) => longestFlowArn(i));

  it('starts, runs every bring-up and returns its whole report under the payload limit', async () => {
    // No such flows exist: every bring-up fails with NotFoundException, the fleet's longest possible report.
    const handle = await startBringFleetOnline(
      bed.env.client,
      { flowArns, pollInterval: '1s' },
      { workflowId: 'security-longest-fleet', taskQueue, searchAttributes: false },
    );
    const report = await handle.result();
    expect({ results: report.results.length, failed: report.failed }).toEqual({
      results: MAX_FLEET_SIZE,
      failed: MAX_FLEET_SIZE,
    });
    expect(report.results[999]).toMatchObject({ flowArn: flowArns[999], outcome: 'FAILED' });
    expect(JSON.stringify(report.results[999])).toContain('NotFoundException');

    const sizes = await payloadSizes(handle.workflowId);
    expect(sizes.input).toBeGreaterThan(MAX_FLEET_SIZE * MAX_FLOW_ARN_LENGTH);
    expect(sizes.result).toBeLessThan(BLOB_SIZE_LIMIT);
    printFigures('input-size', {
      fleetSize: MAX_FLEET_SIZE,
      arnLength: MAX_FLOW_ARN_LENGTH,
      inputBytes: sizes.input,
      resultBytes: sizes.result,
      largestEventBytes: sizes.largestEvent,
      historyEvents: sizes.events,
      blobLimitBytes: BLOB_SIZE_LIMIT,
    });
  }, 600_000);

  it('refuses 1001 flows before contacting Temporal, saying how many it takes', async () => {
    const refusal = await startBringFleetOnline(
      bed.env.client,
      { flowArns: [...flowArns, longestFlowArn(MAX_FLEET_SIZE)] },
      { workflowId: 'security-too-big-fleet', taskQueue },
    ).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expect(refusal).toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('one fleet takes at most 1000: split the list'),
    });
    expect(await exists('security-too-big-fleet')).toBe(false);
  });
});

describe('the CLI with thousands of arguments', () => {
  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { TEMPORAL_ADDRESS: bed.env.address, TEMPORAL_NAMESPACE: 'default', HOME: '/nonexistent' },
    });
    return { code, stdout, stderr };
  }

  it.each([['start', '--task-queue', 'nobody-polls'], ['status']])(
    'refuses 3000 flows to %s with exit code 2 and a message saying the limit, and sends nothing',
    async (...command) => {
      const arns = Array.from({ length: 3000 }, (_, i) => longestFlowArn(10_000 + i));
      const run = await cli([command[0], ...arns, ...command.slice(1)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`3000 flows given; one command takes at most ${MAX_CLI_FLOWS}: split the list`);
      expect(run.stdout).toBe('');
      expect(await exists(bringFlowOnlineWorkflowId(arns[0]))).toBe(false);
      expect(await exists(bringFlowOnlineWorkflowId(arns[2999]))).toBe(false);
    },
  );

  it('lists the first malformed ARNs of thousands and counts the rest, in a bounded message', async () => {
    const run = await cli(['start', ...Array.from({ length: MAX_CLI_FLOWS }, (_, i) => `arn:aws:s3:::bucket-${i}`)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('argument 1: Invalid MediaConnect flow ARN');
    expect(run.stderr).toContain(`... and ${MAX_CLI_FLOWS - 20} more malformed ARNs`);
    expect(run.stderr.split('\n').length).toBeLessThan(30);
  });

  it('starts 1000 bring-ups of maximum-length ARNs in one command', async () => {
    const arns = Array.from({ length: MAX_CLI_FLOWS }, (_, i) => longestFlowArn(20_000 + i));
    const run = await cli(['start', ...arns, '--task-queue', 'nobody-polls', '--no-search-attributes', '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const started = (JSON.parse(run.stdout) as { started: Array<{ flowArn: string; workflowId: string }> }).started;
    expect(started.map((s) => s.flowArn)).toEqual(arns);
    await waitFor(
      'every bring-up to be listed',
      async () =>
        (await bed.env.client.workflow.count(`TaskQueue = 'nobody-polls' AND ExecutionStatus = 'Running'`)).count ===
        MAX_CLI_FLOWS,
    );
    expect(await exists(started[999].workflowId)).toBe(true);
    printFigures('input-size-cli', {
      arguments: arns.length,
      argumentBytes: arns.join(' ').length,
      longestWorkflowIdBytes: Math.max(...started.map((s) => s.workflowId.length)),
    });
  }, 300_000);
});
