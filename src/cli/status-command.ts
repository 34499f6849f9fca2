/**
 * `temporal-mediaconnect status <flowArn...>`: where each flow's bring-up stands: running (with
 * the flow status last seen, polls and elapsed time), ACTIVE, failed (with the failure's type and
 * message), or not found.
 */
import { WorkflowExecutionStatusName, type Client } from '@temporalio/client';
import { bringFlowOnlineWorkflowId } from '../client';
import { FlowStatusSearchAttribute } from '../common/search-attributes';
import type { bringFlowOnline } from '../workflows/bring-flow-online';
import { activeRow, failedRow, initialRow, queryProgress, runningRow } from '../live-view/bring-up-rows';
import {
  connectToTemporal,
  isTemporalUnavailable,
  resolveTemporalTarget,
  unreachable,
  type ConnectionFlags,
} from './connection';
import { ExitCode } from './exit-codes';
import { writeJson, writeLines, type CliIo } from './io';
import { renderFailures, renderProgressTable, type BringUpRow } from '../live-view/progress-table';
import { validFlowArns } from './validate';

/** Options of the `status` command. */
export interface StatusCommandOptions extends ConnectionFlags {
  /** `--json`: one JSON document on stdout. @default false */
  json?: boolean;
  /** Milliseconds the `progress` query of a running bring-up may take (no worker: it never answers). @default 3000 */
  queryTimeoutMs?: number;
}

/** A bring-up's status: its row plus the workflow's own status. */
export interface BringUpStatus extends BringUpRow {
  /** `RUNNING`, `COMPLETED`, `FAILED`, `TERMINATED`, ...; undefined when no bring-up was found. */
  workflowStatus?: WorkflowExecutionStatusName;
  /** The run the status was read from (the latest one). */
  runId?: string;
}

/** Runs `status`; returns the exit code. @throws CliError for bad input (2) or an unreachable Temporal (3). */
export async function statusCommand(
  args: readonly unknown[],
  options: StatusCommandOptions,
  io: CliIo,
): Promise<ExitCode> {
  const flowArns = validFlowArns(args);
  const target = resolveTemporalTarget(options, io.env);
  const client = await connectToTemporal(target);
  try {
    const statuses = await Promise.all(
      flowArns.map((flowArn) => bringUpStatus(client, flowArn, options.queryTimeoutMs ?? 3_000)),
    ).catch((err: unknown) => {
      throw isTemporalUnavailable(err) ? unreachable(target, err) : err;
    });
    const ok = statuses.every((status) => status.state === 'running' || status.state === 'active');
    if (options.json) {
      writeJson(io.stdout, { ok, bringUps: statuses.map(({ note: _note, ...status }) => status) });
    } else {
      const failures = renderFailures(statuses);
      writeLines(io.stdout, [...renderProgressTable(statuses), ...(failures.length > 0 ? ['', ...failures] : [])]);
    }
    return ok ? ExitCode.Success : ExitCode.FlowFailed;
  } finally {
    await client.connection.close();
  }
}

/** Reads one flow's bring-up: describe, then the progress query, the result or the failure. */
export async function bringUpStatus(client: Client, flowArn: string, queryTimeoutMs: number): Promise<BringUpStatus> {
  const row = initialRow(flowArn);
  const handle = client.workflow.getHandle<typeof bringFlowOnline>(bringFlowOnlineWorkflowId(flowArn));
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return { ...row, state: 'not-found' };
    throw err;
  }
  const base = { workflowStatus: description.status.name, runId: description.runId };
  const runMs = (description.closeTime ?? new Date()).getTime() - description.startTime.getTime();

  if (description.status.name === 'RUNNING') {
    const progress = await queryProgress(client, handle, queryTimeoutMs);
    if (progress !== undefined) return { ...runningRow(row, progress), ...base };
    // No answer (no worker polling?): the status search attribute still tells the last status.
    return {
      ...row,
      ...base,
      flowStatus: description.typedSearchAttributes.get(FlowStatusSearchAttribute),
      elapsedMs: runMs,
      note: 'progress query unanswered: is a worker running?',
    };
  }
  try {
    return { ...activeRow(row, await handle.result()), ...base };
  } catch (err) {
    const failed = failedRow(row, err);
    if (failed === undefined) throw err;
    return { ...failed, ...base, elapsedMs: failed.elapsedMs ?? runMs };
  }
}
