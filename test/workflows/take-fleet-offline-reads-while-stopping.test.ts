/**
 * takeFleetOffline's status reads while its StopFlows go out, on a real dev server against the
 * simulator and a real request budget at a slow quota (1/s): reads go ahead of StopFlows in the
 * budget, so the fleet must hold them back while stops are under way or they take the stops' tokens.
 */
import { randomUUID } from 'node:crypto';
import { startTakeFleetOffline } from '../../src/client';
import { STARTS_PENDING_POLL_INTERVAL_MS } from '../../src/common/bring-fleet-online-input';
import { useQuotaTestbed } from '../support/testbed';

const taskQueue = 'take-fleet-offline-reads-while-stopping-test';
const bed = useQuotaTestbed(taskQueue, { requestsPerSecond: 1, burst: 1 });

describe('takeFleetOffline status reads while its StopFlows go out', () => {
  it('come at most one per 10 s per page while stops are under way, and every flow still ends STANDBY', async () => {
    const flowArns = Array.from({ length: 30 }, (_, i) =>
      bed.sim.createFlow({ name: `OnAir${i}`, status: 'ACTIVE', stoppingDuration: 500 }),
    );
    const handle = await startTakeFleetOffline(
      bed.env.client,
      { flowArns },
      { taskQueue, workflowId: `offline-${randomUUID()}` },
    );
    const report = await handle.result();
    expect(report).toMatchObject({ standby: 30, failed: 0, stops: 30 });

    const stops = bed.sim.calls({ operation: 'StopFlow' }).filter((c) => c.httpStatus === 202);
    expect(stops).toHaveLength(30);
    const [firstStop, lastStop] = [Math.min(...stops.map((c) => c.at)), Math.max(...stops.map((c) => c.at))];
    // The account is one ListFlows page: while stops are under way a read is due 10 s after the last
    // one at the soonest (a workflow timer, which never fires early), against every 2 s
    // (`pollInterval`) before. Counted over the window the stops took, however long it was here.
    const readsWhileStopping = bed.sim
      .calls({ operation: 'ListFlows' })
      .filter((c) => c.at > firstStop && c.at < lastStop).length;
    expect(readsWhileStopping).toBeLessThanOrEqual(
      Math.floor((lastStop - firstStop) / STARTS_PENDING_POLL_INTERVAL_MS) + 2,
    );
    expect(bed.sim.stats().throttled).toBe(0);
  }, 240_000);
});
