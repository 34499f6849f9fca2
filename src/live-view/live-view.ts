/**
 * Shows bring-up progress as it happens. On a terminal, the progress table is redrawn in place
 * (ANSI cursor moves); anywhere else (a pipe, a file, CI), one line is printed per change, so
 * logs stay readable and free of escape codes.
 */
import { progressSignature, renderProgressLine, renderProgressTable, type BringUpRow } from './progress-table';

/** The part of a stream the views use: `process.stdout`/`stderr`, or a test's collector. */
export interface OutputStream {
  write(text: string): unknown;
  /** True for a terminal: only then is the table redrawn in place. */
  isTTY?: boolean;
  /** Terminal width; lines are cut to it so that a redraw never miscounts wrapped lines. */
  columns?: number;
}

/** A progress display: give it every row on each change, then close it. */
export interface LiveView {
  update(rows: readonly BringUpRow[]): void;
  /** Draws the final state once more (a terminal keeps the table on screen). */
  close(rows: readonly BringUpRow[]): void;
}

/** A redrawn table on a terminal, one line per change elsewhere; `tty` overrides `stream.isTTY`. */
export function createLiveView(stream: OutputStream, options: { tty?: boolean } = {}): LiveView {
  return (options.tty ?? stream.isTTY === true) ? terminalView(stream) : lineView(stream);
}

const CURSOR_UP = (lines: number) => `\x1b[${lines}A`;
const CLEAR_TO_END = '\x1b[J';

function terminalView(stream: OutputStream): LiveView {
  let drawn = 0;
  const draw = (rows: readonly BringUpRow[]) => {
    const width = stream.columns && stream.columns > 1 ? stream.columns - 1 : Infinity;
    const lines = renderProgressTable(rows).map((line) => (line.length > width ? line.slice(0, width) : line));
    stream.write(`${drawn > 0 ? `${CURSOR_UP(drawn)}\r${CLEAR_TO_END}` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return { update: draw, close: draw };
}

function lineView(stream: OutputStream): LiveView {
  const printed = new Map<string, string>();
  const update = (rows: readonly BringUpRow[]) => {
    for (const row of rows) {
      const signature = progressSignature(row);
      if (printed.get(row.workflowId) === signature) continue;
      printed.set(row.workflowId, signature);
      stream.write(`${renderProgressLine(row)}\n`);
    }
  };
  return { update, close: update };
}
