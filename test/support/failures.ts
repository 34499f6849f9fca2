import { WorkflowFailedError } from '@temporalio/client';

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
