/**
 * The `outcome` label of a MediaConnect call, row by row (the counting itself is asserted against a
 * real worker's /metrics in test/observability/metrics.test.ts).
 */
import {
  InternalServerErrorException,
  MediaConnectServiceException,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-mediaconnect';
import { CredentialsProviderError } from '@smithy/property-provider';
import { callOutcome } from '../../src/activities/metrics';
import { CallOutcome } from '../../src/common/metrics';

function serviceError<T extends MediaConnectServiceException>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each class has its own option type
  Ctor: new (opts: any) => T,
  httpStatusCode: number,
): T {
  return new Ctor({
    message: `service says ${httpStatusCode}`,
    Message: `service says ${httpStatusCode}`,
    $metadata: { httpStatusCode },
  });
}

function aborted(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

describe('callOutcome', () => {
  const table: Array<[string, unknown, AbortSignal | undefined, CallOutcome]> = [
    ['429 TooManyRequestsException', serviceError(TooManyRequestsException, 429), undefined, CallOutcome.throttled],
    [
      'a throttle under another name (400 ThrottlingException)',
      new MediaConnectServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
      undefined,
      CallOutcome.throttled,
    ],
    ['404 NotFoundException', serviceError(NotFoundException, 404), undefined, CallOutcome.clientError],
    [
      '500 InternalServerErrorException',
      serviceError(InternalServerErrorException, 500),
      undefined,
      CallOutcome.serverError,
    ],
    [
      '502 from a proxy, no AWS name',
      new MediaConnectServiceException({
        name: 'Unknown',
        $fault: 'server',
        message: 'Bad Gateway',
        $metadata: { httpStatusCode: 502 },
      }),
      undefined,
      CallOutcome.serverError,
    ],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      undefined,
      CallOutcome.networkError,
    ],
    [
      'no credentials (nothing sent)',
      new CredentialsProviderError('Could not load credentials from any providers'),
      undefined,
      CallOutcome.clientError,
    ],
    [
      'the call timeout fired',
      new Error('aborted'),
      aborted(new DOMException('signal timed out', 'TimeoutError')),
      CallOutcome.networkError,
    ],
    ['the activity was cancelled', new Error('aborted'), aborted(new Error('CANCELLED')), CallOutcome.cancelled],
  ];

  it.each(table)('labels %s', (_, error, signal, outcome) => {
    expect(callOutcome(error, signal)).toBe(outcome);
  });
});
