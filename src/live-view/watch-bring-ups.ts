/**
 * Follows bring-ups until each has ended: reads their `progress` query on an interval for the
 * live view and waits for their results.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { activeRow, failedRow, initialRow, queryProgress, runningRow, type BringUpHandle } from './bring-up-rows';
import type { BringUpRow } from './progress-table';

/** A bring-up to watch: the flow and the handle `startBringFlowOnline` returned. */
export interface WatchedBringUp {
  flowArn: string;
  handle: BringUpHandle;
}

/** Options of {@link watchBringUps}. */
export interface WatchOptions {
  /** Milliseconds between two rounds of progress queries. @default 1000 */
  intervalMs?: number;
  /** Milliseconds a progress query may take before that round skips it. @default 3000 */
  queryTimeoutMs?: number;
  /** Called with every row after each round and whenever a bring-up ends. */
  onUpdate?: (rows: readonly BringUpRow[]) => void;
  /**
   * Adds a remark to a row (the demo shows the simulator's 429s there). Called on each update.
   * @default no remark beyond the workflow's own last error
   */
  annotate?: (row: BringUpRow) => string | undefined;
  /** Stops watching early: the promise then resolves with the rows as they are. */
  signal?: AbortSignal;
}

/**
 * Watches the given bring-ups until every one has completed or failed, and returns their final
 * rows in the same order.
 *
 * @throws the first error that is not a workflow failure (a lost connection, for example).
 */
export async function watchBringUps(
  client: Client,
  bringUps: readonly WatchedBringUp[],
  options: WatchOptions = {},
): Promise<BringUpRow[]> {
  const intervalMs = options.intervalMs ?? 1_000;
  const queryTimeoutMs = options.queryTimeoutMs ?? 3_000;
  const handles = bringUps.map((bringUp) => bringUp.handle);
  const rows = bringUps.map((bringUp) => initialRow(bringUp.flowArn));
  const stopped = aborted(options.signal);
  let unexpected: unknown;
  const snapshot = () => rows.map((row) => (options.annotate ? withNote(row, options.annotate(row)) : row));
  const publish = () => options.onUpdate?.(snapshot());

  const results = handles.map((handle, i) =>
    handle.result().then(
      (result) => {
        rows[i] = activeRow(rows[i], result);
        publish();
      },
      (err: unknown) => {
        const failed = failedRow(rows[i], err);
        if (failed === undefined) unexpected ??= err;
        else rows[i] = failed;
        publish();
      },
    ),
  );
  const allEnded = Promise.all(results);
  let ended = false;
  void allEnded.then(() => (ended = true));

  publish();
  while (!ended && unexpected === undefined && !options.signal?.aborted) {
    await Promise.all(
      handles.map(async (handle, i) => {
        if (rows[i].state !== 'running') return;
        const progress = await queryProgress(client, handle, queryTimeoutMs);
        // The result may have arrived while the query was in flight: never step back to running.
        if (progress !== undefined && rows[i].state === 'running') rows[i] = runningRow(rows[i], progress);
      }),
    );
    if (ended || unexpected !== undefined) break;
    publish();
    await Promise.race([sleep(intervalMs, undefined, { ref: false }), allEnded, stopped]);
  }
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrown as it came (a connection error, for example)
  if (unexpected !== undefined) throw unexpected;
  return snapshot();
}

function withNote(row: BringUpRow, extra: string | undefined): BringUpRow {
  if (!extra) return row;
  return { ...row, note: row.note ? `${extra}; ${row.note}` : extra };
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
