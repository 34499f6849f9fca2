/**
 * `temporal-mediaconnect stop` against a real Temporal dev server, the MediaConnect simulator and
 * an in-process worker: one takeFlowOffline per flow, with and without --wait.
 */
import { takeFlowOfflineWorkflowId } from '../../src/client';
import type { StopOutcome } from '../../src/cli/stop-command';
import { runCliAgainst } from '../support/cli';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'cli-stop-test';
const bed = useTestbed({ server: 'dev', taskQueue });
const FAST = ['--task-queue', taskQueue, '--poll-interval', '200ms'];

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await bed.env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

describe('stop --wait', () => {
  it('takes an ACTIVE flow offline and finds a STANDBY one already offline: exit 0, one JSON document', async () => {
    const onAir = bed.sim.createFlow({ name: 'StopOnAir', status: 'ACTIVE', stoppingDuration: 500 });
    const off = bed.sim.createFlow({ name: 'StopAlreadyOff' });
    const run = await runCliAgainst(bed, ['stop', onAir, off, '--wait', '--json', ...FAST]);
    expect(run.code).toBe(0);
    const report = run.json<{ ok: boolean; stops: StopOutcome[] }>();
    expect(report.ok).toBe(true);
    expect(report.stops).toEqual([
      expect.objectContaining({
        flowArn: onAir,
        flowName: 'StopOnAir',
        state: 'standby',
        stoppedByWorkflow: true,
        workflowId: takeFlowOfflineWorkflowId(onAir),
      }),
      expect.objectContaining({ flowArn: off, state: 'standby', stoppedByWorkflow: false, polls: 1 }),
    ]);
    // Progress lines went to stderr, stdout holds the JSON alone.
    expect(run.stderr).toMatch(/^StopOnAir: STANDBY \(stopped, \d+ polls?, /m);
    expect(bed.sim.flowStatus(onAir)).toBe('STANDBY');
    expect(bed.sim.calls({ operation: 'StopFlow', flowArn: onAir })).toHaveLength(1);
    expect(bed.sim.calls({ operation: 'StopFlow', flowArn: off })).toHaveLength(0);
  });

  it('exits 1 and names the failure type when a flow cannot be taken offline', async () => {
    const fine = bed.sim.createFlow({ name: 'StopFine', status: 'ACTIVE', stoppingDuration: 100 });
    const unknown = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:StopGhost';
    const run = await runCliAgainst(bed, ['stop', fine, unknown, '--wait', ...FAST]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^StopFine: STANDBY \(stopped, /m);
    expect(run.stdout).toMatch(/^StopGhost: FAILED NotFoundException /m);
    expect(run.stdout).toContain('Summary: 1 of 2 flows STANDBY, 1 failed');
  });
});

describe('stop without --wait', () => {
  it('starts the take-offline, prints its workflow id and returns while the flow is still STOPPING', async () => {
    const flowArn = bed.sim.createFlow({ name: 'StopLater', status: 'ACTIVE', stoppingDuration: 60_000 });
    const run = await runCliAgainst(bed, ['stop', flowArn, ...FAST]);
    expect(run.code).toBe(0);
    const workflowId = takeFlowOfflineWorkflowId(flowArn);
    expect(run.stdout).toContain(`Taking StopLater offline: workflow ${workflowId}`);
    expect(run.stdout).toContain('--wait');
    const handle = bed.env.client.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await waitFor('the StopFlow', () => bed.sim.calls({ operation: 'StopFlow', flowArn }).length === 1);
    bed.sim.updateFlow(flowArn, { status: 'STANDBY' });
    expect(await handle.result()).toMatchObject({ status: 'STANDBY', stoppedByWorkflow: true });
  });

  it('stops nothing at all when one ARN of several is malformed (exit 2)', async () => {
    const good = bed.sim.createFlow({ name: 'StopAllOrNothing', status: 'ACTIVE' });
    const run = await runCliAgainst(bed, ['stop', good, 'arn:aws:s3:::my-bucket', ...FAST]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('argument 2: Invalid MediaConnect flow ARN');
    expect(run.stderr).toContain('Nothing was stopped.');
    expect(await workflowExists(takeFlowOfflineWorkflowId(good))).toBe(false);
    expect(bed.sim.calls({ flowArn: good })).toHaveLength(0);
  });
});
