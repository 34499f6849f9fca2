/**
 * A fleet whose flows span two regions (an event day's primary and backup flows), on a real dev
 * server with this package's search attributes declared, against a simulator serving both
 * regions over real HTTP: each region is read on its own, against its own endpoint, and every
 * bring-up carries its own flow's region.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { startBringFleetOnline } from '../../src/client';
import { flowIdOf, type ReadFlowStatusesInput } from '../../src/common/flow-status-reads';
import { FlowNameSearchAttribute, FlowRegionSearchAttribute } from '../../src/common/search-attributes';
import { historyOf } from '../support/history';
import { useTestbed } from '../support/testbed';

const taskQueue = 'bring-fleet-regions-test';
const bed = useTestbed({
  server: 'dev',
  taskQueue,
  simulator: { rateLimit: false, regions: ['us-east-1', 'us-west-2'] },
  resetSimulatorBeforeEach: true,
});

describe('a fleet across two regions', () => {
  it('reads each region on its own, brings every flow online, and keeps the search attributes: each bring-up its own region', async () => {
    const primary = Array.from({ length: 3 }, (_, i) =>
      bed.sim.createFlow({ name: `Primary${i}`, region: 'us-east-1', startingDuration: 1_000 }),
    );
    const backup = Array.from({ length: 3 }, (_, i) =>
      bed.sim.createFlow({ name: `Backup${i}`, region: 'us-west-2', startingDuration: 1_000 }),
    );
    const handle = await startBringFleetOnline(
      bed.env.client,
      { flowArns: [...primary, ...backup], pollInterval: '1s' },
      { workflowId: `regions-${Date.now()}`, taskQueue },
    );
    const report = await handle.result();

    expect(report).toMatchObject({ active: 6, failed: 0 });
    for (const arn of [...primary, ...backup]) expect(bed.sim.flowStatus(arn)).toBe('ACTIVE');
    // Every read names one region and only that region's flows.
    const reads = (await historyOf(handle))
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'readFlowStatuses')
      .map((a) =>
        defaultPayloadConverter.fromPayload<ReadFlowStatusesInput>(
          a?.input?.payloads?.[0] as temporal.api.common.v1.IPayload,
        ),
      );
    const idsIn = (arns: string[]) => new Set(arns.map((arn) => arn.split(':')[6]));
    for (const read of reads) {
      const ids = read.region === 'us-west-2' ? idsIn(backup) : idsIn(primary);
      for (const ref of Object.values(read.flows).flat()) expect(ids.has(flowIdOf(ref))).toBe(true);
    }
    expect(new Set(reads.map((r) => r.region))).toEqual(new Set(['us-east-1', 'us-west-2']));
    // Each region's calls went to that region: no NotFoundException from the wrong endpoint.
    expect(
      bed.sim
        .calls({ region: 'us-west-2', operation: 'StartFlow' })
        .map((c) => c.flowArn)
        .sort(),
    ).toEqual([...backup].sort());
    expect(
      bed.sim
        .calls({ region: 'us-east-1', operation: 'StartFlow' })
        .map((c) => c.flowArn)
        .sort(),
    ).toEqual([...primary].sort());
    expect(bed.sim.calls().filter((c) => c.httpStatus === 404)).toEqual([]);

    expect((await handle.describe()).typedSearchAttributes.get(FlowRegionSearchAttribute)).toBe('us-east-1,us-west-2');
    for (const arn of [...primary, ...backup]) {
      const [, , , region, , , flowId, name] = arn.split(':');
      const child = await bed.env.client.workflow.getHandle(`${handle.workflowId}/${name}-${flowId}`).describe();
      expect({
        name: child.typedSearchAttributes.get(FlowNameSearchAttribute),
        region: child.typedSearchAttributes.get(FlowRegionSearchAttribute),
      }).toEqual({ name, region });
    }
  });
});
