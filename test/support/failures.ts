import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';

/**
 * The failure a workflow ended with, as a caller sees it: `WorkflowFailedError.cause`.
 * Compares by name, not class (Jest's module realms break `instanceof`).
 */
export async function workflowFailure(
  result: Promise<unknown>,
): Promise<{ type?: string; message: string; details?: unknown[]; nonRetryable?: boolean }> {
  try {
    await result;
  } catch (err) {
    if ((err as Error).name !== WorkflowFailedError.name) throw err;
    const cause = (err as WorkflowFailedError).cause as {
      type?: string;
      message: string;
      details?: unknown[];
      nonRetryable?: boolean;
    };
    return cause;
  }
  throw new Error('expected the workflow to fail, but it completed');
}

/** What the client sees of a cancelled workflow: `WorkflowFailedError` whose cause is a `CancelledFailure`, and its status. */
export async function cancelledOutcome(
  handle: WorkflowHandle,
): Promise<{ error: string; cause?: string; status?: string }> {
  const error = await handle.result().then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  return {
    error: error?.name ?? 'none',
    cause: (error as WorkflowFailedError | undefined)?.cause?.name,
    status: (await handle.describe()).status.name,
  };
}

/** {@link cancelledOutcome} of a workflow that ended CANCELLED. */
export const CANCELLED = { error: WorkflowFailedError.name, cause: 'CancelledFailure', status: 'CANCELLED' };

/** What `fn` throws (undefined if it returns): for checking a synchronous failure's type and message. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
