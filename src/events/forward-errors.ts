/**
 * What a failed lookup or signal means for the forwarder: "no such workflow" is an answer, not an
 * error; a namespace without the ARN search attribute skips that lookup; everything else (Temporal
 * unavailable, a timeout, a refused API key) is thrown, so that Lambda retries the event (after its
 * retries, it goes to an on-failure destination if one is configured). Pure predicates over the error.
 */
import { isGrpcServiceError } from '@temporalio/client';
import { causeChain } from '../common/error-chain';

const GRPC_NOT_FOUND = 5;
const GRPC_INVALID_ARGUMENT = 3;

/** The workflow is not running (never started, completed, or closed between the lookup and the signal). */
export function isNoSuchWorkflow(err: unknown): boolean {
  return causeChain(err).some(
    (e) =>
      e.name === 'WorkflowNotFoundError' ||
      // A workflow that closes while the signal is in flight: "workflow execution already completed".
      (isGrpcServiceError(e) && (e.code as number) === GRPC_NOT_FOUND && !/namespace/i.test(e.details ?? e.message)),
  );
}

/** A visibility query refused because the namespace does not declare the search attribute it names. */
export function isUndeclaredSearchAttribute(err: unknown, name: string): boolean {
  return causeChain(err).some(
    (e) =>
      isGrpcServiceError(e) && (e.code as number) === GRPC_INVALID_ARGUMENT && (e.details ?? e.message).includes(name),
  );
}
