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
import { CredentialsProviderError } from '@smithy/property-provider';
import { defaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import {
  classifyMediaConnectError,
  isRetryable,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from '../../src/activities/classify-error';
import { toApplicationFailure } from '../../src/activities/mediaconnect-activities';

const NOW = Date.parse('2026-11-25T12:00:00Z');

/** A service exception as the AWS SDK builds it from an HTTP answer. */
function serviceError<T extends MediaConnectServiceException>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each class has its own option type
  Ctor: new (opts: any) => T,
  httpStatusCode: number,
  headers: Record<string, string> = {},
): T {
  const err = new Ctor({
    message: `service says ${httpStatusCode}`,
    Message: `service says ${httpStatusCode}`,
    $metadata: { httpStatusCode, requestId: 'req-123' },
  });
  Object.defineProperty(err, '$response', { value: { statusCode: httpStatusCode, headers } });
  return err;
}

/** An error the SDK built for a name it has no class for (proxies, new service errors). */
function unmodelled(name: string, httpStatusCode: number) {
  return new MediaConnectServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message: `unmodelled ${name}`,
    $metadata: { httpStatusCode },
  });
}

describe('classifyMediaConnectError', () => {
  // name, HTTP status, retryable, throttled: the decision table, row by row.
  const table: Array<[string, () => unknown, string, number | undefined, boolean, boolean?]> = [
    [
      '429 TooManyRequestsException',
      () => serviceError(TooManyRequestsException, 429),
      'TooManyRequestsException',
      429,
      true,
      true,
    ],
    [
      '500 InternalServerErrorException',
      () => serviceError(InternalServerErrorException, 500),
      'InternalServerErrorException',
      500,
      true,
    ],
    [
      '503 ServiceUnavailableException',
      () => serviceError(ServiceUnavailableException, 503),
      'ServiceUnavailableException',
      503,
      true,
    ],
    ['409 ConflictException', () => serviceError(ConflictException, 409), 'ConflictException', 409, true],
    ['400 BadRequestException', () => serviceError(BadRequestException, 400), 'BadRequestException', 400, false],
    ['403 ForbiddenException', () => serviceError(ForbiddenException, 403), 'ForbiddenException', 403, false],
    ['404 NotFoundException', () => serviceError(NotFoundException, 404), 'NotFoundException', 404, false],
    [
      "moto's NotFoundException with HTTP 400",
      () => serviceError(NotFoundException, 400),
      'NotFoundException',
      400,
      false,
    ],
    [
      'a TooManyRequestsException whatever its status',
      () => serviceError(TooManyRequestsException, 400),
      'TooManyRequestsException',
      400,
      true,
      true,
    ],
    [
      'a ThrottlingException with 429',
      () => unmodelled('ThrottlingException', 429),
      'ThrottlingException',
      429,
      true,
      true,
    ],
    [
      'a ThrottlingException with 400',
      () => unmodelled('ThrottlingException', 400),
      'ThrottlingException',
      400,
      true,
      true,
    ],
    ['an unmodelled 429 from a proxy', () => unmodelled('429', 429), '429', 429, true, true],
    ['an unmodelled 502 from a proxy', () => unmodelled('502', 502), '502', 502, true],
    ['an unmodelled 504', () => unmodelled('GatewayTimeout', 504), 'GatewayTimeout', 504, true],
    ['an unmodelled 501', () => unmodelled('NotImplemented', 501), 'NotImplemented', 501, true],
    ['a 408 from a proxy', () => unmodelled('408', 408), '408', 408, true],
    [
      'an expired session token (403 ExpiredTokenException)',
      () => unmodelled('ExpiredTokenException', 403),
      'ExpiredTokenException',
      403,
      true,
    ],
    ['an expired session token (400 ExpiredToken)', () => unmodelled('ExpiredToken', 400), 'ExpiredToken', 400, true],
    [
      'an unmodelled 401',
      () => unmodelled('UnrecognizedClientException', 401),
      'UnrecognizedClientException',
      401,
      false,
    ],
    [
      'an unmodelled 403 with a bad signature',
      () => unmodelled('InvalidSignatureException', 403),
      'InvalidSignatureException',
      403,
      false,
    ],
    ['an unmodelled 422', () => unmodelled('ValidationException', 422), 'ValidationException', 422, false],
  ];

  it.each(table)('classifies %s', (_label, make, name, httpStatus, retryable, throttled = false) => {
    const classified = classifyMediaConnectError(make(), NOW);
    expect(classified).toMatchObject({ name, httpStatus, retryable, throttled });
  });

  it('fails missing credentials at once (no HTTP status), with a message that names the fix', () => {
    const error = new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false });
    const classified = classifyMediaConnectError(error, NOW);
    expect(classified).toMatchObject({ name: 'MissingCredentials', retryable: false, throttled: false });
    expect(classified.httpStatus).toBeUndefined();
    expect(classified.message).toContain('Could not load credentials from any providers');
    expect(classified.message).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*IAM role/);
  });

  it.each([
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    [
      'DNS failure',
      Object.assign(new Error('getaddrinfo ENOTFOUND mediaconnect.example'), { code: 'ENOTFOUND' }),
      'ENOTFOUND',
    ],
    [
      'socket timeout',
      Object.assign(new Error('Connection timed out after 8000 ms'), { name: 'TimeoutError' }),
      'TimeoutError',
    ],
  ])('classifies a network failure (%s) as a retryable NetworkError with its code', (_label, error, networkCode) => {
    expect(classifyMediaConnectError(error, NOW)).toMatchObject({ name: 'NetworkError', retryable: true, networkCode });
    expect(classifyMediaConnectError(error, NOW).httpStatus).toBeUndefined();
  });

  it('classifies a 429 as retryable and honours Retry-After in seconds', () => {
    const classified = classifyMediaConnectError(
      serviceError(TooManyRequestsException, 429, { 'Retry-After': '7' }),
      NOW,
    );
    expect(classified).toMatchObject({ retryable: true, retryAfterMs: 7000, requestId: 'req-123' });
  });

  it('honours Retry-After given as an HTTP date', () => {
    const header = new Date(NOW + 12_000).toUTCString();
    expect(
      classifyMediaConnectError(serviceError(TooManyRequestsException, 429, { 'retry-after': header }), NOW)
        .retryAfterMs,
    ).toBe(12_000);
  });

  // header value, delay in ms (undefined: ignored, the retry policy's backoff applies).
  it.each([
    ['delay-seconds', '7', 7_000],
    ['zero', '0', 0],
    ['fractional seconds', '1.5', 1_500],
    ['spaces around it', ' 3 ', 3_000],
    ['an HTTP date 12 s ahead', new Date(NOW + 12_000).toUTCString(), 12_000],
    ['an obsolete RFC 850 date 5 s ahead', 'Wednesday, 25-Nov-26 12:00:05 GMT', 5_000],
    ['an HTTP date in the past', new Date(NOW - 5_000).toUTCString(), 0],
    ['a day (86400 s), cut to the maximum', '86400', MAX_RETRY_AFTER_MS],
    ['a date next year, cut to the maximum', new Date(NOW + 365 * 86_400_000).toUTCString(), MAX_RETRY_AFTER_MS],
    ['401 digits (Infinity as a number), cut to the maximum', '9'.repeat(401), MAX_RETRY_AFTER_MS],
    ['a word', 'soon', undefined],
    ['empty', '', undefined],
    ['absent', undefined, undefined],
    ['a negative number', '-5', undefined],
    ['Infinity', 'Infinity', undefined],
    ['NaN', 'NaN', undefined],
    ['an exponent', '1e3', undefined],
    ['a bare year, read as seconds (not as a date)', '2027', MAX_RETRY_AFTER_MS],
    ['a day name with no date', 'Monday, sometime', undefined],
  ] as const)('reads a Retry-After of %s', (_label, header, expected) => {
    const delayMs = parseRetryAfter(header, NOW);
    expect(delayMs).toBe(expected);
    if (delayMs !== undefined) expect(Number.isFinite(delayMs)).toBe(true);
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
    expect(failure.details).toEqual([
      expect.objectContaining({ httpStatus: 404, requestId: 'req-123', operation: 'StartFlow' }),
    ]);
  });

  it('makes a throttled call retryable, with the next delay from Retry-After', () => {
    const failure = toApplicationFailure(
      'DescribeFlow',
      flowArn,
      serviceError(TooManyRequestsException, 429, { 'Retry-After': '3' }),
    );
    expect(failure.type).toBe('TooManyRequestsException');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(3000);
  });

  it('turns an absurd Retry-After into a failure Temporal can record, with the maximum delay', () => {
    const failure = toApplicationFailure(
      'StartFlow',
      flowArn,
      serviceError(TooManyRequestsException, 429, { 'Retry-After': '9'.repeat(401) }),
    );
    expect(failure.nextRetryDelay).toBe(MAX_RETRY_AFTER_MS);
    // The failure converter must be able to encode it: a non-finite delay throws here.
    expect(() => defaultFailureConverter.errorToFailure(failure, defaultPayloadConverter)).not.toThrow();
    expect(
      defaultFailureConverter.errorToFailure(failure, defaultPayloadConverter).applicationFailureInfo?.nextRetryDelay,
    ).toEqual({ seconds: expect.anything(), nanos: 0 });
  });

  it('fails missing credentials as non-retryable MissingCredentials, saying no request was sent', () => {
    const failure = toApplicationFailure(
      'StartFlow',
      flowArn,
      new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }),
    );
    expect(failure.type).toBe('MissingCredentials');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('no request was sent');
    expect(failure.message).toContain('AWS_PROFILE');
  });

  it('names the network code when no answer came', () => {
    const failure = toApplicationFailure(
      'StartFlow',
      flowArn,
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(failure.type).toBe('NetworkError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('ECONNREFUSED');
  });
});
