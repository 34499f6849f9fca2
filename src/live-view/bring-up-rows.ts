/**
 * Reading a bring-up from Temporal into a {@link BringUpRow}: its live progress (the `progress`
 * query), its result, or its failure. Shared by `start --wait`, `status` and the demo.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { parseFlowArn } from '../common/arn';
import { bringFlowOnlineWorkflowId } from '../client';
import {
  progressQuery,
  type bringFlowOnline,
  type BringFlowOnlineProgress,
  type BringFlowOnlineResult,
} from '../workflows/bring-flow-online';
import type { BringUpRow } from './progress-table';

export type BringUpHandle = WorkflowHandle<typeof bringFlowOnline>;

/** The row of a bring-up nothing is known about yet. */
export function initialRow(flowArn: string): BringUpRow {
  return {
    flowArn,
    flowName: parseFlowArn(flowArn).flowName,
    workflowId: bringFlowOnlineWorkflowId(flowArn),
    state: 'running',
  };
}

/** The row of a running bring-up, from its `progress` query. */
export function runningRow(row: BringUpRow, progress: BringFlowOnlineProgress): BringUpRow {
  // The query's elapsedMs is as of the workflow's last task; the local clock keeps it moving.
  const elapsedMs = Math.max(progress.elapsedMs, Date.now() - progress.startedAtMs);
  return {
    ...row,
    state: 'running',
    flowStatus: progress.lastStatus,
    polls: progress.polls,
    elapsedMs,
    note: progress.lastError,
  };
}

/** The row of a bring-up that completed: the flow is ACTIVE. */
export function activeRow(row: BringUpRow, result: BringFlowOnlineResult): BringUpRow {
  const elapsedMs = Date.parse(result.activeAt) - Date.parse(result.startedAt);
  return {
    ...row,
    state: 'active',
    flowStatus: 'ACTIVE',
    polls: result.polls,
    elapsedMs: Number.isFinite(elapsedMs) ? elapsedMs : row.elapsedMs,
    note: undefined,
  };
}

/**
 * The row of a bring-up that failed, from the error `handle.result()` rejected with; undefined
 * when the error is not a workflow failure (a connection problem, for example).
 */
export function failedRow(row: BringUpRow, err: unknown): BringUpRow | undefined {
  const failure = workflowFailureOf(err);
  if (failure === undefined) return undefined;
  const detail = (failure.details?.[0] ?? {}) as { lastStatus?: unknown; polls?: unknown };
  return {
    ...row,
    state: 'failed',
    failure,
    flowStatus: typeof detail.lastStatus === 'string' ? detail.lastStatus : row.flowStatus,
    polls: typeof detail.polls === 'number' ? detail.polls : row.polls,
    note: undefined,
  };
}

/**
 * The failure a bring-up ended with, as `{ type, message, details }`: an ApplicationFailure keeps
 * its type (`FlowError`, `FlowStartTimeout`, `NotFoundException`, ...); a terminated, cancelled
 * or timed-out workflow gets `Terminated`, `Cancelled` or `WorkflowTimedOut`.
 */
export function workflowFailureOf(err: unknown): BringUpRow['failure'] {
  // By name, not class: the same check then holds across module realms (Jest).
  if (!(err instanceof Error) || err.name !== 'WorkflowFailedError') return undefined;
  const cause = (err as Error & { cause?: Error & { type?: string; details?: unknown[] } }).cause;
  switch (cause?.name) {
    case 'ApplicationFailure':
      return {
        type: cause.type ?? 'Error',
        message: cause.message,
        ...(cause.details?.length ? { details: cause.details } : {}),
      };
    case 'TerminatedFailure':
      return { type: 'Terminated', message: cause.message || 'the workflow was terminated' };
    case 'CancelledFailure':
      return { type: 'Cancelled', message: cause.message || 'the workflow was cancelled' };
    case 'TimeoutFailure':
      return { type: 'WorkflowTimedOut', message: cause.message || 'the workflow timed out' };
    default:
      return { type: cause?.name ?? 'WorkflowFailed', message: cause?.message ?? err.message };
  }
}

/**
 * The `progress` query of a running bring-up, or undefined when it does not answer within
 * `timeoutMs` (no worker is polling the task queue, for example).
 */
export async function queryProgress(
  client: Client,
  handle: BringUpHandle,
  timeoutMs: number,
): Promise<BringFlowOnlineProgress | undefined> {
  try {
    return await client.connection.withDeadline(Date.now() + timeoutMs, () => handle.query(progressQuery));
  } catch {
    return undefined;
  }
}
