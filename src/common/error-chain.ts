/**
 * Walking along an error's `cause` chain: Temporal wraps failures several layers deep
 * (`WorkflowFailedError` → `ActivityFailure` → `ApplicationFailure`, a gRPC error under a
 * connection error). Pure: safe in workflow code.
 */

/** The error and its causes, outermost first, as far as each is an `Error` (a cycle ends the walk). */
export function causeChain(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}
