/**
 * Refusals no retry can fix (400, 403, 404 on StartFlow) end the bring-up at once: one call to
 * MediaConnect, nothing retried after it, the service's own message. The times from the activity's
 * scheduling to its failure, as the server's history records them, are printed, not asserted.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator, type SimulatedFaultKind } from '../../src/testing';
import { createDevServer } from '../support/temporal';
import { activityAttempts, BUDGET_FAILURES, historyOf, lastFailureType } from '../support/history';
import { workflowFailure } from '../support/failures';
import { startWorkerProcess, workerEnvFor, type WorkerProcess } from '../support/worker-process';
import { printFigures } from './fleet';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;
const taskQueue = 'reliability-fail-fast';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let worker: WorkerProcess | undefined;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: false })]);
  worker = await startWorkerProcess(workerEnvFor(env.address, sim, taskQueue));
}, 120_000);

afterAll(async () => {
  printFigures('fail-fast', figures);
  await worker?.stop('SIGKILL');
  await env?.teardown();
  await sim?.stop();
});

function timeMs(event: HistoryEvent | undefined): number {
  return Number(event?.eventTime?.seconds ?? 0) * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6);
}

/** Server time from scheduling the (only) startFlow activity to its failure. */
function startFlowScheduledToFailedMs(events: HistoryEvent[]): number {
  const scheduled = events.find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === 'startFlow',
  );
  const failed = events.find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED &&
      String(e.activityTaskFailedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
  );
  if (!scheduled || !failed) throw new Error('the history has no failed startFlow activity');
  return timeMs(failed) - timeMs(scheduled);
}

function startToCloseMs(events: HistoryEvent[]): number {
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const closed = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  return timeMs(closed) - timeMs(started);
}

describe('StartFlow refused with a status no retry can fix', () => {
  it.each([
    ['badRequest', 400, 'BadRequestException'],
    ['forbidden', 403, 'ForbiddenException'],
    ['notFound', 404, 'NotFoundException'],
  ] as [SimulatedFaultKind, number, string][])(
    '%s (HTTP %i): fails after one call with the service’s message, and nothing is retried after it',
    async (kind, httpStatus, type) => {
      const flowArn = sim.createFlow({ name: `Refused-${httpStatus}` });
      const message = `Simulated ${httpStatus}: the account may not start ${flowArn.split(':').pop()}`;
      sim.injectFault({ operation: 'StartFlow', flowArn, kind, message });

      const handle = await startBringFlowOnline(env.client, { flowArn }, { taskQueue });
      const failure = await workflowFailure(handle.result());
      expect(failure).toMatchObject({ type, nonRetryable: true });
      expect(failure.message).toContain(message);
      expect(failure.message).toContain(`HTTP ${httpStatus}`);

      const events = await historyOf(handle);
      // One call reached MediaConnect, and nothing was retried after its refusal. An attempt before it
      // can only have ended in the request budget (the worker's budget was slow to answer on a busy
      // machine): such an attempt made no call, which the simulator's log confirms.
      expect(sim.calls({ operation: 'StartFlow', flowArn }).map((c) => c.httpStatus)).toEqual([httpStatus]);
      const [attempt] = activityAttempts(events, 'startFlow');
      if (attempt !== 1) expect(BUDGET_FAILURES).toContain(lastFailureType(events, 'startFlow'));
      const activityMs = startFlowScheduledToFailedMs(events);
      const workflowMs = startToCloseMs(events);
      figures[`HTTP ${httpStatus}`] = {
        type,
        startFlowAttempts: attempt,
        activityScheduledToFailedMs: activityMs,
        workflowStartToCloseMs: workflowMs,
      };
      // How fast is this machine's business, not the test's: the times are printed, the single attempt above is the claim.
    },
  );
});
