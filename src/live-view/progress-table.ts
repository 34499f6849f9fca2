/**
 * How bring-ups look in a terminal: pure functions from rows to lines, shared by the CLI
 * (`start --wait`, `status`) and the demo. No I/O here; `live-view.ts` writes the lines.
 * Text that comes from MediaConnect or a failure goes through `terminalSafe` on its way into a line.
 */
import { terminalSafe } from './terminal-text';

/** Where one bring-up stands. */
export type BringUpState =
  /** The workflow is running: the flow is being started or checked. */
  | 'running'
  /** The workflow completed: the flow is ACTIVE. */
  | 'active'
  /** The workflow failed (or was terminated, cancelled, timed out). */
  | 'failed'
  /** No bring-up exists for this flow (status only). */
  | 'not-found';

/** One bring-up, as the progress table, the summary and `--json` show it. */
export interface BringUpRow {
  /** ARN of the flow. */
  flowArn: string;
  /** The flow's name (the last part of its ARN). */
  flowName: string;
  /** The bring-up's workflow id (`bring-flow-online:<flowArn>`). */
  workflowId: string;
  state: BringUpState;
  /** The flow status last seen (`STARTING`, `ACTIVE`, `ERROR`, ...); undefined before the first check. */
  flowStatus?: string;
  /** DescribeFlow calls made so far, over every run of the workflow. */
  polls?: number;
  /** Milliseconds since the bring-up began (until it ended, once it has). */
  elapsedMs?: number;
  /** Why the bring-up failed: the failure's `type` (`FlowError`, `FlowStartTimeout`, ...) and message. */
  failure?: { type: string; message: string; details?: unknown[] };
  /** A short remark shown after the row (the last retryable error, a scripted fault, ...). */
  note?: string;
}

/** The flow's name as a terminal may show it. */
function displayName(row: BringUpRow): string {
  return terminalSafe(row.flowName);
}

/** Milliseconds as a person reads them: `850ms`, `4.2s`, `2m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1_000);
  if (totalSeconds < 3_600) return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** The STATUS cell: the flow status while running, `ACTIVE`, `FAILED <type>` or `NOT FOUND`. */
export function statusText(row: BringUpRow): string {
  switch (row.state) {
    case 'running':
      return terminalSafe(row.flowStatus ?? 'checking');
    case 'active':
      return 'ACTIVE';
    case 'failed':
      return terminalSafe(`FAILED ${row.failure?.type ?? ''}`.trimEnd());
    case 'not-found':
      return 'NOT FOUND';
  }
}

/** Counts per state, in the order they are reported. */
export function countStates(rows: readonly BringUpRow[]): Record<BringUpState, number> {
  const counts: Record<BringUpState, number> = { running: 0, active: 0, failed: 0, 'not-found': 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}

/**
 * The progress table: a header, one line per bring-up, and a footer with the counts.
 *
 * ```
 * FLOW       STATUS            POLLS  ELAPSED
 * MainStage  ACTIVE                5     6.1s
 * RedCarpet  FAILED FlowError      3     4.0s
 * Backstage  STARTING              2     2.2s  throttled: 2 x 429
 * 2 of 3 done: 1 ACTIVE, 1 failed
 * ```
 */
export function renderProgressTable(rows: readonly BringUpRow[]): string[] {
  const header = ['FLOW', 'STATUS', 'POLLS', 'ELAPSED'];
  const cells = rows.map((row) => [
    displayName(row),
    statusText(row),
    row.polls === undefined ? '-' : String(row.polls),
    row.elapsedMs === undefined ? '-' : formatElapsed(row.elapsedMs),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const rightAligned = new Set([2, 3]);
  const format = (line: string[]) =>
    line
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ');
  const lines = [format(header).trimEnd()];
  rows.forEach((row, i) => lines.push(`${format(cells[i])}${row.note ? `  ${terminalSafe(row.note)}` : ''}`.trimEnd()));
  lines.push(renderCounts(rows));
  return lines;
}

/** `2 of 3 done: 1 ACTIVE, 1 failed`. */
export function renderCounts(rows: readonly BringUpRow[]): string {
  const counts = countStates(rows);
  const done = counts.active + counts.failed + counts['not-found'];
  const parts = [`${counts.active} ACTIVE`, `${counts.failed} failed`];
  if (counts['not-found'] > 0) parts.push(`${counts['not-found']} not found`);
  return `${done} of ${rows.length} done: ${parts.join(', ')}`;
}

/**
 * One line for one bring-up, for output that is not a terminal (logs, CI), printed when the
 * bring-up's status changes: `RedCarpet: FAILED FlowError (3 polls, 4.0s) Flow RedCarpet went to ERROR: ...`.
 */
export function renderProgressLine(row: BringUpRow): string {
  const facts = [
    row.polls === undefined ? undefined : `${row.polls} ${row.polls === 1 ? 'poll' : 'polls'}`,
    row.elapsedMs === undefined ? undefined : formatElapsed(row.elapsedMs),
  ].filter(Boolean);
  const detail = row.state === 'failed' ? row.failure?.message : row.note;
  return `${displayName(row)}: ${statusText(row)}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${detail ? ` ${terminalSafe(detail)}` : ''}`;
}

/** What changes a row's line in plain output: state, flow status and failure, not the poll count. */
export function progressSignature(row: BringUpRow): string {
  return `${row.state}|${row.flowStatus ?? ''}|${row.failure?.type ?? ''}|${row.note ?? ''}`;
}

/** One line per failed or missing bring-up: `  RedCarpet  FlowError: Flow RedCarpet went to ERROR: ...`. */
export function renderFailures(rows: readonly BringUpRow[]): string[] {
  const failed = rows.filter((row) => row.state === 'failed' || row.state === 'not-found');
  const width = Math.max(0, ...failed.map((row) => displayName(row).length));
  return failed.map((row) =>
    row.state === 'not-found'
      ? `  ${displayName(row).padEnd(width)}  no bring-up found (workflow id ${terminalSafe(row.workflowId)})`
      : `  ${displayName(row).padEnd(width)}  ${terminalSafe(`${row.failure?.type ?? 'Failed'}: ${row.failure?.message ?? 'no message'}`)}`,
  );
}

/** Options of {@link renderSummary}. */
export interface SummaryOptions {
  /** The Web UI address of a bring-up, listed after the summary when given. */
  uiUrl?: (row: BringUpRow) => string;
}

/**
 * The summary after every bring-up ended: which flows are ACTIVE, which failed and why (failure
 * type and message), and, when `uiUrl` is given, where to see each one in the Temporal Web UI.
 */
export function renderSummary(rows: readonly BringUpRow[], options: SummaryOptions = {}): string[] {
  const counts = countStates(rows);
  const lines = [
    `Summary: ${counts.active} of ${rows.length} flows ACTIVE, ${counts.failed + counts['not-found']} failed${counts.running > 0 ? `, ${counts.running} still running` : ''}`,
  ];
  const active = rows.filter((row) => row.state === 'active');
  if (active.length > 0) {
    lines.push('ACTIVE:');
    const width = Math.max(...active.map((row) => displayName(row).length));
    for (const row of active) {
      const facts = [
        row.polls === undefined ? undefined : `${row.polls} polls`,
        row.elapsedMs === undefined ? undefined : formatElapsed(row.elapsedMs),
      ].filter(Boolean);
      lines.push(`  ${displayName(row).padEnd(width)}  ${facts.join(', ')}`.trimEnd());
    }
  }
  const failures = renderFailures(rows);
  if (failures.length > 0) lines.push('FAILED:', ...failures);
  const running = rows.filter((row) => row.state === 'running');
  if (running.length > 0)
    lines.push('STILL RUNNING:', ...running.map((row) => `  ${displayName(row)}  ${statusText(row)}`));
  if (options.uiUrl) {
    const uiUrl = options.uiUrl;
    const width = Math.max(0, ...rows.map((row) => displayName(row).length));
    lines.push(
      'In the Temporal Web UI:',
      ...rows.map((row) => `  ${displayName(row).padEnd(width)}  ${terminalSafe(uiUrl(row))}`),
    );
  }
  return lines;
}
