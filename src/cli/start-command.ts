/**
 * `temporal-mediaconnect start <flowArn...>`: starts a bring-up per flow (or attaches to the one
 * already running), and with `--wait` follows them until each flow is ACTIVE or has failed.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { startBringFlowOnline } from '../client';
import { parseFlowArn } from '../common/arn';
import type { bringFlowOnline } from '../workflows/bring-flow-online';
import {
  connectToTemporal,
  isTemporalUnavailable,
  resolveTemporalTarget,
  unreachable,
  type ConnectionFlags,
  type TemporalTarget,
} from './connection';
import { CliError, ExitCode } from './exit-codes';
import { writeJson, writeLines, type CliIo } from './io';
import { createLiveView } from '../live-view/live-view';
import { renderSummary, type BringUpRow } from '../live-view/progress-table';
import { BRING_FLOW_ONLINE_BOUNDS } from '../common/bring-flow-online-input';
import { validDuration, validFlowArns } from './validate';
import { terminalSafe } from '../live-view/terminal-text';
import { watchBringUps } from '../live-view/watch-bring-ups';

/** A bring-up as `startBringFlowOnline` returned it. */
type StartedBringUp = WorkflowHandleWithFirstExecutionRunId<typeof bringFlowOnline>;

/** Options of the `start` command. */
export interface StartCommandOptions extends ConnectionFlags {
  /** `--task-queue`: the queue the worker polls. */
  taskQueue: string;
  /** `--wait`: follow the bring-ups until each has ended. @default false */
  wait?: boolean;
  /** `--poll-interval`: time between status checks while a flow is STARTING. @default the workflow's, '2s' */
  pollInterval?: string;
  /** `--timeout`: how long a flow may take to become ACTIVE. @default the workflow's, '10m' */
  timeout?: string;
  /** `--json`: one JSON document on stdout; progress and errors on stderr. @default false */
  json?: boolean;
  /** `--no-search-attributes` sets it false, for a namespace that does not declare them. @default true */
  searchAttributes?: boolean;
  /** Milliseconds between progress refreshes with `--wait`. @default 1000 */
  refreshMs?: number;
}

/** Runs `start`; returns the exit code. @throws CliError for bad input (2) or an unreachable Temporal (3). */
export async function startCommand(
  args: readonly unknown[],
  options: StartCommandOptions,
  io: CliIo,
): Promise<ExitCode> {
  // Everything is checked before anything is sent: one bad value, nothing started.
  const flowArns = validFlowArns(args, 'Nothing was started.');
  const pollInterval = validDuration('--poll-interval', options.pollInterval, BRING_FLOW_ONLINE_BOUNDS.pollInterval);
  const timeout = validDuration('--timeout', options.timeout, BRING_FLOW_ONLINE_BOUNDS.timeout);
  const target = resolveTemporalTarget(options, io.env);

  const client = await connectToTemporal(target);
  try {
    const handles = await startAll(client, target, flowArns, { pollInterval, timeout }, options);
    if (!options.wait) {
      reportStarted(flowArns, handles, io, {
        json: options.json,
        doing: (flowName) => `Bringing ${flowName} online`,
        next: `Follow with: temporal-mediaconnect status ${flowArns.map(shellQuote).join(' ')}`,
      });
      return ExitCode.Success;
    }
    const progressStream = options.json ? io.stderr : io.stdout;
    const view = createLiveView(progressStream);
    const rows = await watchBringUps(
      client,
      flowArns.map((flowArn, i) => ({ flowArn, handle: handles[i] })),
      { intervalMs: options.refreshMs, onUpdate: (current) => view.update(current) },
    ).catch((err: unknown) => {
      throw isTemporalUnavailable(err) ? unreachable(target, err) : err;
    });
    view.close(rows);
    const ok = rows.every((row) => row.state === 'active');
    if (options.json) {
      writeJson(io.stdout, { ok, bringUps: rows.map((row, i) => jsonRow(row, handles[i])) });
    } else {
      writeLines(io.stdout, ['', ...renderSummary(rows)]);
    }
    return ok ? ExitCode.Success : ExitCode.FlowFailed;
  } finally {
    await client.connection.close();
  }
}

async function startAll(
  client: Client,
  target: TemporalTarget,
  flowArns: readonly string[],
  input: { pollInterval?: Duration; timeout?: Duration },
  options: StartCommandOptions,
): Promise<StartedBringUp[]> {
  try {
    return await Promise.all(
      flowArns.map((flowArn) =>
        startBringFlowOnline(
          client,
          {
            flowArn,
            ...(input.pollInterval && { pollInterval: input.pollInterval }),
            ...(input.timeout && { timeout: input.timeout }),
          },
          { taskQueue: options.taskQueue, searchAttributes: options.searchAttributes ?? true },
        ),
      ),
    );
  } catch (err) {
    throw startRefusal(target, err);
  }
}

/**
 * Why starting workflows failed, as the CLI reports it: an unreachable Temporal, or a namespace
 * without this package's search attributes (both exit code 3), else the error itself.
 */
export function startRefusal(target: TemporalTarget, err: unknown): unknown {
  if (isTemporalUnavailable(err)) return unreachable(target, err);
  if (/does not declare this package's search attributes/.test((err as Error).message)) {
    return new CliError(
      `${(err as Error).message.replace(/ or pass \{ searchAttributes: false \}\.$/, '')} or pass --no-search-attributes.`,
      ExitCode.TemporalUnavailable,
    );
  }
  return err;
}

/**
 * What `start` and `stop` print without `--wait`: with `--json` the started document, else one line
 * per flow (`doing(flowName)`: "Bringing MainStage online") and how to follow them (`next`).
 */
export function reportStarted(
  flowArns: readonly string[],
  handles: ReadonlyArray<{ workflowId: string; firstExecutionRunId: string }>,
  io: CliIo,
  { json, doing, next }: { json?: boolean; doing: (flowName: string) => string; next: string },
): void {
  if (json) {
    writeJson(io.stdout, startedDocument(flowArns, handles));
    return;
  }
  writeLines(io.stdout, [
    ...flowArns.map(
      (flowArn, i) =>
        `${doing(terminalSafe(parseFlowArn(flowArn).flowName))}: workflow ${terminalSafe(handles[i].workflowId)} (run ${handles[i].firstExecutionRunId})`,
    ),
    next,
  ]);
}

/** What `--json` prints for workflows started without `--wait`: each flow's workflow id and run. */
export function startedDocument(
  flowArns: readonly string[],
  handles: ReadonlyArray<{ workflowId: string; firstExecutionRunId: string }>,
): { ok: true; started: Array<Record<string, string>> } {
  return {
    ok: true,
    started: flowArns.map((flowArn, i) => ({
      flowArn,
      flowName: parseFlowArn(flowArn).flowName,
      workflowId: handles[i].workflowId,
      runId: handles[i].firstExecutionRunId,
    })),
  };
}

/** A row as `--json` reports it: the row without its display remark, plus the run id. */
export function jsonRow(row: BringUpRow, handle?: StartedBringUp): Record<string, unknown> {
  const { note: _note, ...rest } = row;
  return { ...rest, ...(handle && { runId: handle.firstExecutionRunId }) };
}

export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_.:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
