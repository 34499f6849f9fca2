/**
 * The fleet's status reads while its StartFlows are still going out, on a real dev server (task
 * queue priority is the server's), against the simulator and a real request budget at a slow
 * quota (1/s), with a worker that runs 5 activities at a time: the starts queue in the task queue
 * as they do for a fleet of 1000 on a worker's default 100 slots.
 */
import { randomUUID } from 'node:crypto';
import type { bringFleetOnline } from '../../src/workflows/bring-fleet-online';
import { historyOf } from '../support/history';
import { useQuotaTestbed } from '../support/testbed';

const taskQueue = 'bring-fleet-reads-while-starting-test';
const bed = useQuotaTestbed(
  taskQueue,
  { requestsPerSecond: 1, burst: 1 },
  { worker: { workerOptions: { maxConcurrentActivityTaskExecutions: 5 } }, resetSimulatorBeforeEach: true },
);

async function runFleet(flowArns: string[]) {
  const handle = await bed.env.client.workflow.start<typeof bringFleetOnline>('bringFleetOnline', {
    args: [{ flowArns }],
    taskQueue,
    workflowId: `fleet-${randomUUID()}`,
  });
  const report = await handle.result();
  expect(report).toMatchObject({ active: flowArns.length, failed: 0 });
  const calls = bed.sim.calls().filter((c) => c.operation === 'StartFlow' || c.operation === 'ListFlows');
  return { handle, calls, starts: calls.filter((c) => c.operation === 'StartFlow') };
}

describe('bringFleetOnline status reads while starts go out', () => {
  it('go ahead of the StartFlows still waiting in the task queue, at a priority one step above the fleet’s', async () => {
    const flowArns = Array.from({ length: 40 }, (_, i) =>
      bed.sim.createFlow({ name: `Queued${i}`, startingDuration: 500 }),
    );
    const { handle, calls } = await runFleet(flowArns);

    // The snapshot read comes before any start; the next read is scheduled about 10 s later, while
    // about 25 of the 40 StartFlow activities (40 s at 1/s) still wait in the task queue for one of
    // the 5 activity slots. At the fleet's own priority it would be dispatched after all of them.
    const secondRead = calls.filter((c) => c.operation === 'ListFlows')[1];
    expect(secondRead).toBeDefined();
    const startsAfterSecondRead = calls.filter((c) => c.operation === 'StartFlow' && c.at > secondRead.at);
    expect(startsAfterSecondRead.length).toBeGreaterThanOrEqual(10);

    // Every read carries its priority in the history: the fleet's default (3) less one.
    const reads = (await historyOf(handle))
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'readFlowStatuses');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const read of reads) expect(read?.priority?.priorityKey).toBe(2);
  }, 180_000);

  it('reads again when its starts should be done at the pace it has seen, not a full pause later', async () => {
    // 7,500 other flows: a read costs 8 ListFlows pages, so while starts go out the fleet pauses
    // 80 s between reads. 100 starts at 1/s take about 110 s: the second read (at about 80 s; its
    // pages go ahead of the starts, which the budget books just in time) sees about 25 starts left.
    bed.sim.createFlows(7_500, { prefix: 'Other' });
    const flowArns = Array.from({ length: 100 }, (_, i) =>
      bed.sim.createFlow({ name: `Paced${i}`, startingDuration: 500 }),
    );
    const { calls, starts } = await runFleet(flowArns);

    // The next read follows the last start within a few seconds, where a full pause would leave
    // about 40 s between them (the generous bound leaves room for a busy machine).
    const lastStart = Math.max(...starts.map((c) => c.at));
    const nextRead = calls.find((c) => c.operation === 'ListFlows' && c.at > lastStart);
    expect(nextRead).toBeDefined();
    expect(nextRead!.at - lastStart).toBeLessThan(20_000);

    // And the reads held back while the starts went out: at most 4 reads of 8 pages before the last
    // start. Their pages go ahead of the starts in the budget, so a fleet reading every pollInterval
    // (2 s) would have taken nearly all of the quota from its starts.
    const pagesBeforeLastStart = calls.filter((c) => c.operation === 'ListFlows' && c.at < lastStart);
    expect(pagesBeforeLastStart.length).toBeLessThanOrEqual(4 * 8);
  }, 300_000);
});
