/** What a CLI run reads and writes: injected, so that tests run commands in-process. */
import type { OutputStream } from '../live-view/live-view';

export interface CliIo {
  /** Results: the human summary, or the one JSON document with `--json`. */
  stdout: OutputStream;
  /** Errors, and progress when stdout carries JSON. */
  stderr: OutputStream;
  /** The environment the Temporal connection settings are read from (TEMPORAL_*). */
  env: NodeJS.ProcessEnv;
}

/** Writes lines, each ended by a newline. */
export function writeLines(stream: OutputStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}

/** Writes one JSON document (the whole of stdout with `--json`). */
export function writeJson(stream: OutputStream, document: unknown): void {
  stream.write(`${JSON.stringify(document, null, 2)}\n`);
}
