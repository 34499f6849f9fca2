/**
 * The forwarder's reading of a failed lookup or signal, row by row: "no such workflow" is an
 * answer, a namespace without the ARN search attribute skips that lookup, and everything else is
 * thrown (so that Lambda retries the event). The rows are the errors the Temporal client throws.
 */
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { isNoSuchWorkflow, isUndeclaredSearchAttribute } from '../../src/events/forward-errors';

/** A gRPC error as @grpc/grpc-js raises it under the Temporal client. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

const rows: [string, unknown, { noSuchWorkflow: boolean; undeclared: boolean }][] = [
  [
    'WorkflowNotFoundError (signal to an id with nothing running)',
    new WorkflowNotFoundError('workflow not found', 'bring-flow-online:x', undefined),
    { noSuchWorkflow: true, undeclared: false },
  ],
  [
    'NOT_FOUND "workflow execution already completed", wrapped',
    new ServiceError('Failed to signal', { cause: grpcError(5, 'workflow execution already completed') }),
    { noSuchWorkflow: true, undeclared: false },
  ],
  [
    'NOT_FOUND about the namespace: a configuration error',
    grpcError(5, 'Namespace default-typo is not found.'),
    { noSuchWorkflow: false, undeclared: false },
  ],
  [
    'INVALID_ARGUMENT naming MediaConnectFlowArn (undeclared attribute)',
    grpcError(3, 'invalid query: unable to convert filter expression: invalid search attribute: MediaConnectFlowArn'),
    { noSuchWorkflow: false, undeclared: true },
  ],
  [
    'INVALID_ARGUMENT about something else',
    grpcError(3, 'invalid query: syntax error'),
    { noSuchWorkflow: false, undeclared: false },
  ],
  [
    'UNAVAILABLE (Temporal down)',
    grpcError(14, 'No connection established'),
    { noSuchWorkflow: false, undeclared: false },
  ],
  ['DEADLINE_EXCEEDED', grpcError(4, 'Deadline exceeded'), { noSuchWorkflow: false, undeclared: false }],
  [
    'UNAUTHENTICATED (a refused API key)',
    grpcError(16, 'Request unauthorized'),
    { noSuchWorkflow: false, undeclared: false },
  ],
  ['a plain Error', new Error('boom'), { noSuchWorkflow: false, undeclared: false }],
  ['not an error at all', 'boom', { noSuchWorkflow: false, undeclared: false }],
];

describe('the forwarder reads a failure', () => {
  it.each(rows)('%s', (_label, err, expected) => {
    expect({
      noSuchWorkflow: isNoSuchWorkflow(err),
      undeclared: isUndeclaredSearchAttribute(err, 'MediaConnectFlowArn'),
    }).toEqual(expected);
  });
});
