/**
 * `temporal-mediaconnect stop <flowArn...>`: starts a take-offline per flow (or attaches to the one
 * already running), and with `--wait` waits until each flow is STANDBY or its take-offline failed,
 * printing a line as each one ends.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { startTakeFlowOffline } from '../client';
import { parseFlowArn } from '../common/arn';
import { BRING_FLOW_ONLINE_BOUNDS } from '../common/bring-flow-online-input';
import { workflowFailureOf } from '../live-view/bring-up-rows';
import { formatElapsed } from '../live-view/progress-table';
import { terminalSafe } from '../live-view/terminal-text';
import type { takeFlowOffline, TakeFlowOfflineResult } from '../workflows/take-flow-offline';
import { connectToTemporal, isTemporalUnavailable, resolveTemporalTarget, unreachable } from './connection';
import { ExitCode } from './exit-codes';
import { writeJson, writeLines, type CliIo } from './io';
import { reportStarted, shellQuote, startRefusal, type StartCommandOptions } from './start-command';
import { validDuration, validFlowArns } from './validate';

/** A take-offline as `startTakeFlowOffline` returned it. */
type StartedStop = WorkflowHandleWithFirstExecutionRunId<typeof takeFlowOffline>;

/** Options of the `stop` command: those of `start` (`--timeout` is how long a flow may take to be STANDBY). */
export type StopCommandOptions = Omit<StartCommandOptions, 'refreshMs'>;

/** How one flow's take-offline ended, as `--wait` reports it (and `--json` prints it). */
export interface StopOutcome {
  flowArn: string;
  flowName: string;
  workflowId: string;
  runId: string;
  /** `standby`: the flow is offline. `failed`: see `failure`. */
  state: 'standby' | 'failed';
  /** False when the flow was already STANDBY or STOPPING, so no StopFlow was sent. */
  stoppedByWorkflow?: boolean;
  /** DescribeFlow calls the take-offline made. */
  polls?: number;
  /** Milliseconds from the take-offline's start to STANDBY. */
  elapsedMs?: number;
  /** The failure's type (`FlowStopTimeout`, `FlowDeleted`, `NotFoundException`, `Cancelled`, ...) and message. */
  failure?: { type: string; message: string };
}

/** Runs `stop`; returns the exit code. @throws CliError for bad input (2) or an unreachable Temporal (3). */
export async function stopCommand(args: readonly unknown[], options: StopCommandOptions, io: CliIo): Promise<ExitCode> {
  // Everything is checked before anything is sent: one bad value, nothing stopped.
  const flowArns = validFlowArns(args, 'Nothing was stopped.');
  const pollInterval = validDuration('--poll-interval', options.pollInterval, BRING_FLOW_ONLINE_BOUNDS.pollInterval);
  const timeout = validDuration('--timeout', options.timeout, BRING_FLOW_ONLINE_BOUNDS.timeout);
  const target = resolveTemporalTarget(options, io.env);

  const client = await connectToTemporal(target);
  try {
    const handles = await stopAll(client, flowArns, { pollInterval, timeout }, options).catch((err: unknown) => {
      throw startRefusal(target, err);
    });
    if (!options.wait) {
      reportStarted(flowArns, handles, io, {
        json: options.json,
        doing: (flowName) => `Taking ${flowName} offline`,
        next: `Wait for them with: temporal-mediaconnect stop ${flowArns.map(shellQuote).join(' ')} --wait`,
      });
      return ExitCode.Success;
    }
    const progressStream = options.json ? io.stderr : io.stdout;
    const outcomes = await Promise.all(
      handles.map(async (handle, i) => {
        const outcome = await outcomeOf(flowArns[i], handle).catch((err: unknown) => {
          throw isTemporalUnavailable(err) ? unreachable(target, err) : err;
        });
        writeLines(progressStream, [outcomeLine(outcome)]);
        return outcome;
      }),
    );
    const ok = outcomes.every((outcome) => outcome.state === 'standby');
    if (options.json) writeJson(io.stdout, { ok, stops: outcomes });
    else writeLines(io.stdout, ['', ...summary(outcomes)]);
    return ok ? ExitCode.Success : ExitCode.FlowFailed;
  } finally {
    await client.connection.close();
  }
}

function stopAll(
  client: Client,
  flowArns: readonly string[],
  input: { pollInterval?: Duration; timeout?: Duration },
  options: StopCommandOptions,
): Promise<StartedStop[]> {
  return Promise.all(
    flowArns.map((flowArn) =>
      startTakeFlowOffline(
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
}

/** Waits for one take-offline's end. @throws an error that is not a workflow failure (a lost connection). */
async function outcomeOf(flowArn: string, handle: StartedStop): Promise<StopOutcome> {
  const base = {
    flowArn,
    flowName: parseFlowArn(flowArn).flowName,
    workflowId: handle.workflowId,
    runId: handle.firstExecutionRunId,
  };
  let result: TakeFlowOfflineResult;
  try {
    result = await handle.result();
  } catch (err) {
    const failure = workflowFailureOf(err);
    if (failure === undefined) throw err;
    return { ...base, state: 'failed', failure: { type: failure.type, message: failure.message } };
  }
  return {
    ...base,
    state: 'standby',
    stoppedByWorkflow: result.stoppedByWorkflow,
    polls: result.polls,
    elapsedMs: Date.parse(result.standbyAt) - Date.parse(result.startedAt),
  };
}

/** `MainStage: STANDBY (stopped, 3 polls, 2.1s)`, or `RedCarpet: FAILED FlowStopTimeout Flow RedCarpet was not ...`. */
export function outcomeLine(outcome: StopOutcome): string {
  const name = terminalSafe(outcome.flowName);
  if (outcome.state === 'failed')
    return `${name}: FAILED ${terminalSafe(`${outcome.failure?.type ?? 'Error'} ${outcome.failure?.message ?? ''}`.trimEnd())}`;
  const how = outcome.stoppedByWorkflow ? 'stopped' : 'was already offline';
  const polls = `${outcome.polls} ${outcome.polls === 1 ? 'poll' : 'polls'}`;
  return `${name}: STANDBY (${how}, ${polls}, ${formatElapsed(outcome.elapsedMs ?? NaN)})`;
}

function summary(outcomes: readonly StopOutcome[]): string[] {
  const failed = outcomes.filter((outcome) => outcome.state === 'failed');
  const lines = [
    `Summary: ${outcomes.length - failed.length} of ${outcomes.length} flows STANDBY, ${failed.length} failed`,
  ];
  if (failed.length > 0) lines.push('FAILED:', ...failed.map((outcome) => `  ${outcomeLine(outcome)}`));
  return lines;
}
