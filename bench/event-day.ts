/**
 * What an event day costs: `npx tsx bench/event-day.ts [--flows 10,100] [--hours 1,5]`.
 *
 * 1. The bytes continue-as-new carries and the report holds, for 500 and 1000 flows with a day of
 *    incidents (every flow dropping to ERROR and failing its restart every hour: the worst case).
 * 2. The cost of watching: for each fleet size, two event days on the time-skipping test server
 *    against the simulator (an account of 1000 other flows), one watching for the shorter and one
 *    for the longer number of hours, default `watchInterval` (1 min), no events. The difference
 *    between the two, per hour, is what an hour of watching costs: Temporal actions (timers,
 *    activity attempts, signals, upserts, as Temporal Cloud bills them, every run of the event day
 *    counted), history events, MediaConnect calls, and runs (continue-as-new).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { checkEventDayInput } from '../src/common/event-day-input';
import { boundedNote, eventDayReport, newEventDayState, noteStatus } from '../src/common/event-day-records';
import type { eventDay } from '../src/workflows/event-day';
import { startTestbed } from '../test/support/testbed';
import { table } from './support';
import { actionsOf, costOfWorkflows } from './temporal-cost';

const HOUR = 3_600_000;
const { values: args } = parseArgs({ options: { flows: { type: 'string' }, hours: { type: 'string' } } });
const FLEETS = (args.flows ?? '10,100').split(',').map(Number);
const [SHORT_H, LONG_H] = (args.hours ?? '1,5').split(',').map(Number);

function stateBytes(flows: number): { carried: number; report: number } {
  const T0 = Date.parse('2026-11-28T18:00:00Z');
  const flowArns = Array.from(
    { length: flows },
    (_, i) =>
      `arn:aws:mediaconnect:eu-west-1:111122223333:flow:1-${String(i).padStart(16, '0')}-abcdef012345:${'Stage'.padEnd(58, 'x')}${String(i).padStart(6, '0')}`,
  );
  const state = newEventDayState(checkEventDayInput({ flowArns, onlineBy: '1h', offlineAt: '25h' }, T0));
  state.phase = 'WATCHING';
  for (const record of state.flows) {
    noteStatus(record, 'ACTIVE', T0 + HOUR, true);
    for (let hour = 1; hour <= 24; hour += 1) {
      const incident = noteStatus(record, 'ERROR', T0 + hour * HOUR + 60_000, true);
      if (incident) incident.restart = 'FAILED';
      record.restartFailure = boundedNote('x'.repeat(400));
      record.restarts += 1;
      noteStatus(record, 'ACTIVE', T0 + hour * HOUR + 120_000, true);
    }
  }
  return {
    carried: Buffer.byteLength(JSON.stringify({ flowArns, carried: state })),
    report: Buffer.byteLength(JSON.stringify(eventDayReport(state, flowArns, T0 + 25 * HOUR))),
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log('## Event day state (a day of incidents on every flow)\n');
  console.log(
    table(
      ['flows', 'carried by continue-as-new (KB)', 'report (KB)'],
      [500, 1000].map((flows) => {
        const { carried, report } = stateBytes(flows);
        return [String(flows), (carried / 1024).toFixed(0), (report / 1024).toFixed(0)];
      }),
    ),
  );

  const taskQueue = 'event-day-bench';
  const bed = await startTestbed({ server: 'time-skipping', taskQueue });
  const rows: string[][] = [];
  try {
    bed.sim.createFlows(1000, { prefix: 'Other', status: 'ACTIVE' });
    for (const flows of FLEETS) {
      const flowArns = bed.sim.createFlows(flows, { prefix: `Event${flows}`, startingDuration: 200 });
      const watch = async (hours: number) => {
        bed.sim.resetStats();
        for (const arn of flowArns) bed.sim.updateFlow(arn, { status: 'STANDBY' });
        const workflowId = `event-day-bench-${randomUUID()}`;
        const handle = await bed.env.client.workflow.start<typeof eventDay>('eventDay', {
          args: [{ flowArns, onlineBy: '10m', leadTime: '10m', offlineAt: `${hours * 60 + 10}m` }],
          taskQueue,
          workflowId,
        });
        const report = await handle.result();
        const cost = await costOfWorkflows(bed.env.client, [workflowId]);
        const calls = bed.sim.stats().byOperation;
        return { report, cost, listFlows: calls.ListFlows ?? 0, describes: calls.DescribeFlow ?? 0 };
      };
      const short = await watch(SHORT_H);
      const long = await watch(LONG_H);
      const perHour = (a: number, b: number) => (b - a) / (LONG_H - SHORT_H);
      const actionsPerHour = perHour(actionsOf(short.cost), actionsOf(long.cost));
      rows.push([
        String(flows),
        actionsPerHour.toFixed(1),
        (actionsPerHour / flows).toFixed(3),
        perHour(short.cost.events, long.cost.events).toFixed(0),
        perHour(short.report.reads, long.report.reads).toFixed(1),
        perHour(short.listFlows + short.describes, long.listFlows + long.describes).toFixed(1),
        `${short.report.runs} / ${long.report.runs}`,
        `${(short.cost.largestHistoryBytes / 1024).toFixed(0)} / ${(long.cost.largestHistoryBytes / 1024).toFixed(0)}`,
      ]);
    }
  } finally {
    await bed.stop();
  }
  console.log(
    `\n## Watching, per hour (difference between ${SHORT_H} h and ${LONG_H} h of watching, watchInterval 1 min)\n`,
  );
  console.log(
    table(
      [
        'flows',
        'actions / h',
        'actions / flow / h',
        'history events / h',
        'reads / h',
        'MediaConnect calls / h',
        'runs (short / long)',
        'largest run history KB (short / long)',
      ],
      rows,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
