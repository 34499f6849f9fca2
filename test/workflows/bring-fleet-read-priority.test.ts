/**
 * The fleet's status reads on a real dev server (task queue priority is the server's), against
 * the simulator and a real request budget: a read scheduled while the fleet's StartFlow activities
 * wait in the task queue for a worker slot does not wait behind all of them.
 */
import { randomUUID } from 'node:crypto';
import type { bringFleetOnline } from '../../src/workflows/bring-fleet-online';
import { historyOf } from '../support/history';
import { useTestbed } from '../support/testbed';

const taskQueue = 'bring-fleet-read-priority-test';
/** A slow quota, so that the starts take about 20 s, and a worker that runs one activity at a time: the starts queue. */
const QUOTA = { requestsPerSecond: 2, burst: 1 };
const FLOWS = 40;
const bed = useTestbed({
  server: 'dev',
  taskQueue,
  simulator: { rateLimit: QUOTA },
  worker: {
    requestBudget: { ...QUOTA, budgetId: `budget-${taskQueue}` },
    workerOptions: { maxConcurrentActivityTaskExecutions: 1 },
  },
});

describe('bringFleetOnline status reads', () => {
  it('go ahead of the StartFlows still waiting in the task queue, at a priority one step above the fleet’s', async () => {
    const flowArns = Array.from({ length: FLOWS }, (_, i) =>
      bed.sim.createFlow({ name: `Queued${i}`, startingDuration: 500 }),
    );
    const handle = await bed.env.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
      args: [{ flowArns }],
      taskQueue,
      workflowId: `fleet-${randomUUID()}`,
    });
    const report = await handle.result();
    expect(report).toMatchObject({ active: FLOWS, failed: 0 });

    // The snapshot read comes before any start; the next read is scheduled about 10 s later, while
    // most of the 40 StartFlow activities (20 s at 2/s) still wait for the one activity slot. At the
    // fleet's own priority it would be dispatched after all of them.
    const calls = bed.sim.calls().filter((c) => c.operation === 'StartFlow' || c.operation === 'ListFlows');
    const secondRead = calls.filter((c) => c.operation === 'ListFlows')[1];
    expect(secondRead).toBeDefined();
    const startsAfterSecondRead = calls.filter((c) => c.operation === 'StartFlow' && c.at > secondRead.at);
    expect(startsAfterSecondRead.length).toBeGreaterThanOrEqual(5);

    // Every read carries its priority in the history: the fleet's default (3) less one.
    const reads = (await historyOf(handle))
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'readFlowStatuses');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const read of reads) expect(read?.priority?.priorityKey).toBe(2);
  }, 180_000);
});
