import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  InternalServerErrorException,
  MediaConnectServiceException,
  NotFoundException,
  ServiceUnavailableException,
  TooManyRequestsException,
} from '@aws-sdk/client-mediaconnect';
import { classifyMediaConnectError, isRetryable, parseRetryAfter } from '../../src/activities/classify-error';
import { toApplicationFailure } from '../../src/activities/mediaconnect-activities';

const NOW = Date.parse('2026-11-25T12:00:00Z');

/** A service exception as the AWS SDK builds it from an HTTP answer. */
function serviceError<T extends MediaConnectServiceException>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each class has its own option type
  Ctor: new (opts: any) => T,
  httpStatusCode: number,
  headers: Record<string, string> = {},
): T {
  const err = new Ctor({ message: `service says ${httpStatusCode}`, Message: `service says ${httpStatusCode}`, $metadata: { httpStatusCode, requestId: 'req-123' } });
  Object.defineProperty(err, '$response', { value: { statusCode: httpStatusCode, headers } });
  return err;
}

/** An error the SDK built for a name it has no class for (proxies, new service errors). */
function unmodelled(name: string, httpStatusCode: number) {
  return new MediaConnectServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: `unmodelled ${name}`, $metadata: { httpStatusCode } });
}

describe('classifyMediaConnectError', () => {
  // name, HTTP status, retryable: the decision table, row by row.
  const table: Array<[string, () => unknown, string, number | undefined, boolean]> = [
    ['429 TooManyRequestsException', () => serviceError(TooManyRequestsException, 429), 'TooManyRequestsException', 429, true],
    ['500 InternalServerErrorException', () => serviceError(InternalServerErrorException, 500), 'InternalServerErrorException', 500, true],
    ['503 ServiceUnavailableException', () => serviceError(ServiceUnavailableException, 503), 'ServiceUnavailableException', 503, true],
    ['409 ConflictException', () => serviceError(ConflictException, 409), 'ConflictException', 409, true],
    ['400 BadRequestException', () => serviceError(BadRequestException, 400), 'BadRequestException', 400, false],
    ['403 ForbiddenException', () => serviceError(ForbiddenException, 403), 'ForbiddenException', 403, false],
    ['404 NotFoundException', () => serviceError(NotFoundException, 404), 'NotFoundException', 404, false],
    ["moto's NotFoundException with HTTP 400", () => serviceError(NotFoundException, 400), 'NotFoundException', 400, false],
    ['a TooManyRequestsException whatever its status', () => serviceError(TooManyRequestsException, 400), 'TooManyRequestsException', 400, true],
    ['an unmodelled 502 from a proxy', () => unmodelled('502', 502), '502', 502, true],
    ['an unmodelled 504', () => unmodelled('GatewayTimeout', 504), 'GatewayTimeout', 504, true],
    ['an unmodelled 429', () => unmodelled('ThrottlingException', 429), 'ThrottlingException', 429, true],
    ['an unmodelled 401', () => unmodelled('UnrecognizedClientException', 401), 'UnrecognizedClientException', 401, false],
    ['an unmodelled 422', () => unmodelled('ValidationException', 422), 'ValidationException', 422, false],
  ];

  it.each(table)('classifies %s', (_label, make, name, httpStatus, retryable) => {
    const classified = classifyMediaConnectError(make(), NOW);
    expect(classified).toMatchObject({ name, httpStatus, retryable });
  });

  it.each([
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    ['DNS failure', Object.assign(new Error('getaddrinfo ENOTFOUND mediaconnect.example'), { code: 'ENOTFOUND' }), 'ENOTFOUND'],
    ['socket timeout', Object.assign(new Error('Connection timed out after 8000 ms'), { name: 'TimeoutError' }), 'TimeoutError'],
  ])('classifies a network failure (%s) as a retryable NetworkError with its code', (_label, error, networkCode) => {
    expect(classifyMediaConnectError(error, NOW)).toMatchObject({ name: 'NetworkError', retryable: true, networkCode });
    expect(classifyMediaConnectError(error, NOW).httpStatus).toBeUndefined();
  });

  it('classifies a 429 as retryable and honours Retry-After in seconds', () => {
    const classified = classifyMediaConnectError(serviceError(TooManyRequestsException, 429, { 'Retry-After': '7' }), NOW);
    expect(classified).toMatchObject({ retryable: true, retryAfterMs: 7000, requestId: 'req-123' });
  });

  it('honours Retry-After given as an HTTP date', () => {
    const header = new Date(NOW + 12_000).toUTCString();
    expect(classifyMediaConnectError(serviceError(TooManyRequestsException, 429, { 'retry-after': header }), NOW).retryAfterMs).toBe(12_000);
  });

  it('ignores a Retry-After it cannot read', () => {
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });

  it('keeps the decision a function of name and status', () => {
    expect(isRetryable('NotFoundException', 503)).toBe(false); // the name wins
    expect(isRetryable('SomethingNew', 503)).toBe(true);
    expect(isRetryable('SomethingNew', 418)).toBe(false);
    expect(isRetryable('NetworkError', undefined)).toBe(true);
  });
});

describe('toApplicationFailure', () => {
  const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:AwardsShow';

  it('fails a 404 at once, typed by the AWS name, with the service message, status and request id', () => {
    const failure = toApplicationFailure('StartFlow', flowArn, serviceError(NotFoundException, 404));
    expect(failure.type).toBe('NotFoundException');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('service says 404');
    expect(failure.message).toContain(flowArn);
    expect(failure.details).toEqual([expect.objectContaining({ httpStatus: 404, requestId: 'req-123', operation: 'StartFlow' })]);
  });

  it('makes a throttled call retryable, with the next delay from Retry-After', () => {
    const failure = toApplicationFailure('DescribeFlow', flowArn, serviceError(TooManyRequestsException, 429, { 'Retry-After': '3' }));
    expect(failure.type).toBe('TooManyRequestsException');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(3000);
  });

  it('names the network code when no answer came', () => {
    const failure = toApplicationFailure('StartFlow', flowArn, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(failure.type).toBe('NetworkError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('ECONNREFUSED');
  });
});
