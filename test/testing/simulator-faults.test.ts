import { DescribeFlowCommand, MediaConnectClient, StartFlowCommand } from '@aws-sdk/client-mediaconnect';
import { AwsErrorName } from '../../src/common';
import { MediaConnectSimulator, type SimulatedFaultKind } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';
import { failure, useSimulator } from '../support/simulator';

describe('MediaConnectSimulator scripted faults through @aws-sdk/client-mediaconnect', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator(
    { rateLimit: false, defaultStartingDuration: 300, defaultStoppingDuration: 200, deletingDuration: 100 },
    (started) => ({ sim, client } = started),
  );

  describe('scripted faults', () => {
    const errorFaults: [SimulatedFaultKind, number, string, string][] = [
      ['throttle', 429, AwsErrorName.TooManyRequests, 'client'],
      ['internal', 500, AwsErrorName.InternalServerError, 'server'],
      ['unavailable', 503, AwsErrorName.ServiceUnavailable, 'server'],
      ['badRequest', 400, AwsErrorName.BadRequest, 'client'],
      ['forbidden', 403, AwsErrorName.Forbidden, 'client'],
      ['notFound', 404, AwsErrorName.NotFound, 'client'],
      ['conflict', 409, AwsErrorName.Conflict, 'client'],
    ];

    it.each(errorFaults)(
      'a %s fault answers %d %s, does not apply the call, and fires once by default',
      async (kind, httpStatus, name, fault) => {
        const flowArn = sim.createFlow({ name: 'Target' });
        sim.injectFault({ kind, operation: 'StartFlow' });
        const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
        expect(err.name).toBe(name);
        expect(err.$fault).toBe(fault);
        expect(err.$metadata?.httpStatusCode).toBe(httpStatus);
        expect(sim.flowStatus(flowArn)).toBe('STANDBY');

        const retried = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
        expect(retried.Status).toBe('STARTING');
        expect(sim.calls({ flowArn }).map((call) => [call.httpStatus, call.fault])).toEqual([
          [httpStatus, kind],
          [202, undefined],
        ]);
      },
    );

    it('sends Retry-After on a throttle fault, visible on the SDK error’s $response', async () => {
      const flowArn = sim.createFlow({ name: 'Throttled' });
      sim.injectFault({ kind: 'throttle', operation: 'DescribeFlow', retryAfterSeconds: 7, message: 'Slow down' });
      const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
      expect(err.name).toBe('TooManyRequestsException');
      expect(err.message).toBe('Slow down');
      expect(err.$response?.statusCode).toBe(429);
      expect(err.$response?.headers['retry-after']).toBe('7');
    });

    it('hits only the flow a fault names', async () => {
      const hit = sim.createFlow({ name: 'Hit' });
      const spared = sim.createFlow({ name: 'Spared' });
      sim.injectFault({ kind: 'internal', flowArn: hit, times: Infinity });
      expect((await client.send(new StartFlowCommand({ FlowArn: spared }))).Status).toBe('STARTING');
      for (let i = 0; i < 3; i++) {
        expect((await failure(client.send(new DescribeFlowCommand({ FlowArn: hit })))).name).toBe(
          AwsErrorName.InternalServerError,
        );
      }
      sim.clearFaults();
      expect((await client.send(new DescribeFlowCommand({ FlowArn: hit }))).Flow?.Status).toBe('STANDBY');
    });

    it('fires a fault for exactly `times` matching calls', async () => {
      const flowArn = sim.createFlow({ name: 'Twice' });
      sim.injectFault({ kind: 'unavailable', operation: 'DescribeFlow', times: 2 });
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        outcomes.push(
          await client.send(new DescribeFlowCommand({ FlowArn: flowArn })).then(
            () => 'ok',
            (err: Error) => err.name,
          ),
        );
      }
      expect(outcomes).toEqual([AwsErrorName.ServiceUnavailable, AwsErrorName.ServiceUnavailable, 'ok', 'ok']);
    });

    it('draws probabilistic faults from the seeded generator, so a run repeats', async () => {
      const runOnce = async (): Promise<string[]> => {
        sim.reset();
        const flowArn = sim.createFlow({ name: 'Dice' });
        sim.injectFault({ kind: 'internal', operation: 'DescribeFlow', probability: 0.5 });
        const outcomes: string[] = [];
        for (let i = 0; i < 40; i++) {
          outcomes.push(
            await client.send(new DescribeFlowCommand({ FlowArn: flowArn })).then(
              () => 'ok',
              () => 'fail',
            ),
          );
        }
        return outcomes;
      };
      const first = await runOnce();
      expect(await runOnce()).toEqual(first);
      const failures = first.filter((o) => o === 'fail').length;
      expect(failures).toBeGreaterThan(5);
      expect(failures).toBeLessThan(35);
    });

    it('delays a slow answer, which the SDK’s requestTimeout turns into a TimeoutError after the call was applied', async () => {
      const flowArn = sim.createFlow({ name: 'Laggy' });
      sim.injectFault({ kind: 'slow', operation: 'StartFlow', delayMs: 2_000 });
      const impatient = mediaConnectClientFor(sim.endpoint, sim.region, { requestHandler: { requestTimeout: 200 } });
      try {
        const err = await failure(impatient.send(new StartFlowCommand({ FlowArn: flowArn })));
        expect(err.name).toBe('TimeoutError');
        expect(err.$metadata?.httpStatusCode).toBeUndefined();
      } finally {
        impatient.destroy();
      }
      expect(sim.flowStatus(flowArn)).toBe('STARTING');

      sim.injectFault({ kind: 'slow', operation: 'DescribeFlow', delayMs: 300 });
      const before = Date.now();
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(Date.now() - before).toBeGreaterThanOrEqual(290);
      expect(out.Flow?.FlowArn).toBe(flowArn);
    });

    it('drops the connection without an answer, applying the call only when asked to', async () => {
      const flowArn = sim.createFlow({ name: 'Dropped' });
      sim.injectFault({ kind: 'drop', operation: 'StartFlow' });
      const lost = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
      expect(lost.$metadata?.httpStatusCode).toBeUndefined();
      // Outside Jest this is { name: 'TimeoutError', code: 'ECONNRESET' }. Inside Jest node's error
      // comes from another realm, so the SDK's retry middleware wraps it and only the text is left.
      expect(`${lost.code ?? ''} ${lost.message}`).toMatch(/ECONNRESET|socket hang up/);
      expect(sim.flowStatus(flowArn)).toBe('STANDBY');

      sim.injectFault({ kind: 'drop', operation: 'StartFlow', applied: true });
      const lostAnswer = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
      expect(lostAnswer.$metadata?.httpStatusCode).toBeUndefined();
      expect(sim.flowStatus(flowArn)).toBe('STARTING');

      // The retry now meets a flow that is already starting.
      expect((await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })))).message).toContain('STARTING');
      expect(sim.stats()).toMatchObject({ total: 3, dropped: 2, byHttpStatus: { '400': 1 } });
    });

    it('refuses malformed faults with a message naming the field', () => {
      expect(() => sim.injectFault({ kind: 'slow' })).toThrow(/delayMs/);
      expect(() => sim.injectFault({ kind: 'internal', probability: 2 })).toThrow(/probability/);
      expect(() => sim.injectFault({ kind: 'internal', operation: 'RebootFlow' as never })).toThrow(/operation/);
      expect(() => sim.injectFault({ kind: 'explode' as never })).toThrow(/kind/);
      expect(() => sim.injectFault({ kind: 'internal', retryAfterSeconds: 3 })).toThrow(/retryAfterSeconds/);
    });
  });
});

describe('MediaConnectSimulator faults for misbehaving services', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator({ rateLimit: false, defaultStartingDuration: 60_000 }, (started) => ({ sim, client } = started));

  it.each([
    ['ThrottlingException', 400],
    ['ThrottlingException', 429],
    ['TooManyRequestsException', 400],
  ])('a throttle fault can answer as %s with HTTP %d, counted as throttled', async (errorName, httpStatus) => {
    const flowArn = sim.createFlow({ name: 'Throttled' });
    sim.injectFault({ kind: 'throttle', operation: 'StartFlow', errorName, httpStatus });
    const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
    expect(err.name).toBe(errorName);
    expect(err.$metadata?.httpStatusCode).toBe(httpStatus);
    expect(sim.flowStatus(flowArn)).toBe('STANDBY');
    expect(sim.stats()).toMatchObject({ throttled: 1, byHttpStatus: { [String(httpStatus)]: 1 } });
  });

  it.each([
    ['throttle', '86400'],
    ['throttle', 'Wed, 21 Oct 2015 07:28:00 GMT'],
    ['throttle', '9'.repeat(401)],
    ['unavailable', 'soon'],
    ['conflict', '-5'],
  ] as [SimulatedFaultKind, string][])('a %s fault sends Retry-After %s exactly as given', async (kind, retryAfter) => {
    const flowArn = sim.createFlow({ name: 'Later' });
    sim.injectFault({ kind, operation: 'DescribeFlow', retryAfter });
    const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
    expect(err.$response?.headers['retry-after']).toBe(retryAfter);
  });

  it('echoes the signed request line and every header verbatim in the error message when asked', async () => {
    const flowArn = sim.createFlow({ name: 'Echo' });
    const secrets = {
      accessKeyId: 'AKIAECHOEXAMPLE12345',
      secretAccessKey: 'never-sent-secret',
      sessionToken: 'FwoGZXIvYXdzECHOSESSIONTOKEN',
    };
    const signed = new MediaConnectClient({
      endpoint: sim.endpoint,
      region: sim.region,
      credentials: secrets,
      maxAttempts: 1,
    });
    try {
      sim.injectFault({ kind: 'badRequest', operation: 'StartFlow', message: 'Bad', echoRequest: true });
      const err = await failure(signed.send(new StartFlowCommand({ FlowArn: flowArn })));
      const lines = err.message.split('\n');
      expect(lines[0]).toBe('Bad');
      expect(lines[1]).toBe(`POST /v1/flows/start/${encodeURIComponent(flowArn)} HTTP/1.1`);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^authorization: AWS4-HMAC-SHA256 Credential=AKIAECHOEXAMPLE12345\/\d{8}\/us-east-1\/mediaconnect\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
          ),
        ]),
      );
      expect(lines).toContain('x-amz-security-token: FwoGZXIvYXdzECHOSESSIONTOKEN');
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^x-amz-date: \d{8}T\d{6}Z$/)]));
      expect(err.message).not.toContain('never-sent-secret');
    } finally {
      signed.destroy();
    }
  });

  it('refuses malformed fault fields with a message naming the field', () => {
    expect(() => sim.injectFault({ kind: 'slow', delayMs: 1, retryAfter: '5' })).toThrow(/retryAfter/);
    expect(() => sim.injectFault({ kind: 'throttle', retryAfter: 'a\r\nSet-Cookie: x' })).toThrow(/retryAfter/);
    expect(() => sim.injectFault({ kind: 'throttle', retryAfter: '5', retryAfterSeconds: 5 })).toThrow(/not both/);
    expect(() => sim.injectFault({ kind: 'throttle', httpStatus: 503 })).toThrow(/httpStatus/);
    expect(() => sim.injectFault({ kind: 'internal', errorName: 'ThrottlingException' })).toThrow(/errorName/);
    expect(() => sim.injectFault({ kind: 'drop', echoRequest: true })).toThrow(/echoRequest/);
  });

  it('accepts the same fault fields over the control API', async () => {
    const flowArn = sim.createFlow({ name: 'Remote' });
    const fault = {
      kind: 'throttle',
      operation: 'DescribeFlow',
      errorName: 'ThrottlingException',
      httpStatus: 400,
      retryAfter: 'soon',
      echoRequest: true,
    };
    const posted = await fetch(`${sim.endpoint}/_simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    expect(posted.status).toBe(201);
    const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.$response?.headers['retry-after']).toBe('soon');
    expect(err.message).toContain('authorization: AWS4-HMAC-SHA256');
  });
});

describe('MediaConnectSimulator StartFlow of a flow already started', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator(
    { rateLimit: false, alreadyStartedAnswer: 'Conflict', defaultStartingDuration: 60_000 },
    (started) => ({ sim, client } = started),
  );

  it.each(['STARTING', 'ACTIVE', 'UPDATING'] as const)(
    'answers 409 ConflictException naming the status for a %s flow, and starts nothing',
    async (status) => {
      const flowArn = sim.createFlow({ name: 'Busy', status });
      const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
      expect(err.name).toBe(AwsErrorName.Conflict);
      expect(err.$metadata?.httpStatusCode).toBe(409);
      expect(err.message).toContain(status);
      expect(sim.flowStatus(flowArn)).toBe(status);
    },
  );

  it('lets a flow override the simulator’s answer, and still refuses a STOPPING flow with 400', async () => {
    const flowArn = sim.createFlow({ name: 'Classic', status: 'ACTIVE', alreadyStartedAnswer: 'BadRequest' });
    expect((await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })))).name).toBe(AwsErrorName.BadRequest);
    sim.updateFlow(flowArn, { alreadyStartedAnswer: 'Conflict' });
    expect((await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })))).name).toBe(AwsErrorName.Conflict);
    const stopping = sim.createFlow({ name: 'Stopping', status: 'STOPPING' });
    expect((await failure(client.send(new StartFlowCommand({ FlowArn: stopping })))).name).toBe(
      AwsErrorName.BadRequest,
    );
    expect(() => sim.createFlow({ name: 'Odd', alreadyStartedAnswer: 'Maybe' as never })).toThrow(
      /alreadyStartedAnswer/,
    );
  });

  it('plays a start that took effect with its answer lost, then 409 on the retry', async () => {
    const flowArn = sim.createFlow({ name: 'Lost' });
    sim.injectFault({ kind: 'drop', operation: 'StartFlow', applied: true });
    expect(
      (await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })))).$metadata?.httpStatusCode,
    ).toBeUndefined();
    expect(sim.flowStatus(flowArn)).toBe('STARTING');
    const retry = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
    expect(retry.name).toBe(AwsErrorName.Conflict);
    expect(sim.calls({ operation: 'StartFlow' }).map((call) => [call.httpStatus, call.fault])).toEqual([
      [undefined, 'drop'],
      [409, undefined],
    ]);
  });
});
