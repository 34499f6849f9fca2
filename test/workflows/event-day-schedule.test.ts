/**
 * eventDay started by a Temporal Schedule, as the README's "Run an event day" shows it. On the dev
 * server in real time: the time-skipping test server does not implement schedules (CreateSchedule
 * answers UNIMPLEMENTED), so the event here is short, with times relative to the schedule's start.
 */
import { randomUUID } from 'node:crypto';
import { FlowRegionSearchAttribute, FlowStatusSearchAttribute } from '../../src/common/search-attributes';
import type { eventDay, EventDayInput } from '../../src/workflows/event-day';
import { useTestbed } from '../support/testbed';
import { waitFor } from '../support/wait-for';

const taskQueue = 'event-day-schedule-test';
const bed = useTestbed({ server: 'dev', taskQueue });

describe('eventDay from a Temporal Schedule', () => {
  it('is started by the schedule, brings its flows online, takes them offline at offlineAt and reports', async () => {
    const flowArns = [0, 1].map((i) => bed.sim.createFlow({ name: `Stage${i}`, startingDuration: 200 }));
    const input: EventDayInput = { flowArns, onlineBy: '20s', leadTime: '18s', offlineAt: '30s', watchInterval: '5s' };
    const schedule = await bed.env.client.schedule.create({
      scheduleId: `weekly-show-${randomUUID()}`,
      // A weekly show would use calendars: [{ dayOfWeek: 'SATURDAY', hour: 18, minute: 30 }]; the test triggers it now.
      spec: { intervals: [{ every: '7d' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'eventDay',
        args: [input],
        taskQueue,
        workflowId: 'weekly-show',
        typedSearchAttributes: [{ key: FlowRegionSearchAttribute, value: bed.sim.region }],
      },
      state: { triggerImmediately: true },
    });
    try {
      let workflowId = '';
      await waitFor('the schedule to start the event day', async () => {
        const [action] = (await schedule.describe()).info.recentActions;
        workflowId = action?.action.workflow.workflowId ?? '';
        return workflowId !== '';
      });
      const handle = bed.env.client.workflow.getHandle<typeof eventDay>(workflowId);
      expect((await handle.describe()).type).toBe('eventDay');

      const report = await handle.result();

      expect(report).toMatchObject({ phase: 'ENDED', ready: true, startedLate: false, active: 2, incidents: 0 });
      for (const flow of report.flows) {
        expect(flow.activeAt).toBeDefined();
        expect(Date.parse(flow.stoppedAt as string)).toBeGreaterThanOrEqual(Date.parse(report.offlineAt));
        expect(bed.sim.calls({ operation: 'StartFlow', flowArn: flow.flowArn })).toHaveLength(1);
        expect(bed.sim.calls({ operation: 'StopFlow', flowArn: flow.flowArn })).toHaveLength(1);
      }
      // The schedule set MediaConnectRegion, so the event day kept its status attribute: STANDBY once over.
      expect((await handle.describe()).typedSearchAttributes.get(FlowStatusSearchAttribute)).toBe('STANDBY');
    } finally {
      await schedule.delete();
    }
  });
});
