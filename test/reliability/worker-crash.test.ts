/**
 * Durable execution under a worker crash: the real worker, in its own process, is killed with
 * SIGKILL while it brings 50 flows online, then a new worker process takes over. Every bring-up
 * must still end as its flow does, no flow may be started twice, and the request budget (a
 * workflow) must carry on counting every call.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator } from '../../src/testing';
import { requestBudgetWorkflowId } from '../../src/common/request-budget-math';
import { requestBudgetQuery } from '../../src/workflows/request-budget-workflow';
import { createDevServer } from '../support/temporal';
import { historyOf, countEvents } from '../support/history';
import { startWorkerProcess, workerEnvFor, type WorkerProcess } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { createFleet, outcomeOf, printFigures, tally } from './fleet';
import { temporal } from '@temporalio/proto';

const taskQueue = 'reliability-worker-crash';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: false, seed: 11 })]);
}, 120_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop('SIGKILL');
  await env?.teardown();
  await sim?.stop();
});

/** Attempts of every activity in a history, as the server recorded them on ActivityTaskStarted. */
function attempts(events: temporal.api.history.v1.IHistoryEvent[]): number[] {
  return events
    .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
    .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
}

describe('a worker killed with SIGKILL in the middle of a 50-flow bring-up', () => {
  it('completes every bring-up with its flow’s outcome after a new worker takes over, starting no flow twice', async () => {
    const began = Date.now();
    const fleet = createFleet(sim, { prefix: 'Crash', count: 50, errorEvery: 10, startingMs: [2_000, 6_000] });
    const first = await startWorkerProcess(workerEnvFor(env.address, sim, taskQueue));
    workers.push(first);

    const handles = await Promise.all(
      fleet.map(({ flowArn }) => startBringFlowOnline(env.client, { flowArn, pollInterval: '1s' }, { taskQueue })),
    );
    let closed = 0;
    const outcomes = Promise.all(handles.map((handle) => outcomeOf(handle).finally(() => (closed += 1))));

    const statuses = () => tally(fleet.map(({ flowArn }) => sim.flowStatus(flowArn)));
    await waitFor('10 flows to be ACTIVE', () => (statuses().ACTIVE ?? 0) >= 10, 90_000);
    const atKill = { flowStatuses: statuses(), workflowsClosed: closed, simulatorCalls: sim.stats().total };
    const killedAt = Date.now();
    await first.stop('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    // The crash really was mid-run: some bring-ups were still open when the worker died.
    expect(atKill.workflowsClosed).toBeLessThan(fleet.length);

    const second = await startWorkerProcess(workerEnvFor(env.address, sim, taskQueue));
    workers.push(second);
    const secondWorkerUpAfterMs = Date.now() - killedAt;

    expect(await outcomes).toEqual(fleet.map(({ expected }) => expected));
    const recoveredAfterMs = Date.now() - killedAt;

    // The request budget is a workflow too: it outlived the worker, and counts every call of both
    // (but their start-up checks: one ListFlows each, before the worker connects to Temporal).
    const budget = env.client.workflow.getHandle(requestBudgetWorkflowId(taskQueue, sim.region));
    const budgetAfter = await budget.query(requestBudgetQuery);
    expect(budgetAfter.granted).toBeGreaterThanOrEqual(sim.stats().total - workers.length);
    expect((await budget.describe()).status.name).toBe('RUNNING');

    // StartFlow accepted (202) exactly once per flow; a retried start may only have found it started (400).
    const startAnswers = fleet.map(({ flowArn }) =>
      sim.calls({ operation: 'StartFlow', flowArn }).map((c) => c.httpStatus),
    );
    expect(startAnswers.map((answers) => answers.filter((s) => s === 202).length)).toEqual(fleet.map(() => 1));
    expect(startAnswers.flat().filter((s) => s !== 202 && s !== 400)).toEqual([]);

    const histories = await Promise.all(handles.map((handle) => historyOf(handle)));
    const retriedActivities = histories.flatMap(attempts).filter((a) => a > 1).length;
    // No workflow task failed: the crash cost time, never a wrong decision.
    expect(histories.map((h) => countEvents(h, 'EVENT_TYPE_WORKFLOW_TASK_FAILED'))).toEqual(fleet.map(() => 0));

    printFigures('worker-crash', {
      workflowsRun: fleet.length,
      expected: tally(fleet.map((f) => f.expected)),
      outcomes: tally(await outcomes),
      atKill,
      secondWorkerUpAfterMs,
      allClosedAfterKillMs: recoveredAfterMs,
      startFlowAnswers: tally(startAnswers.flat()),
      activitiesRetriedAfterTheCrash: retriedActivities,
      workflowTaskTimeouts: histories.reduce((n, h) => n + countEvents(h, 'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT'), 0),
      simulatorCalls: sim.stats().byOperation,
      requestBudget: budgetAfter,
      wallMs: Date.now() - began,
    });
  }, 420_000);
});
