import {
  CreateFlowCommand,
  DeleteFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { connect } from 'node:net';
import { AwsErrorName, FlowStatus, flowArnProblem, parseFlowArn } from '../../src/common';
import { MediaConnectSimulator, type SimulatedFaultKind } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';

/** What tests read off an SDK error. */
interface SdkError extends Error {
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode: number; headers: Record<string, string> };
}

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function pollUntil(
  client: MediaConnectClient,
  flowArn: string,
  wanted: FlowStatus,
  timeoutMs = 5_000,
): Promise<FlowStatus[]> {
  const seen: FlowStatus[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Flow } = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
    seen.push(Flow?.Status as FlowStatus);
    if (Flow?.Status === wanted) return seen;
    await sleep(50);
  }
  throw new Error(`flow did not reach ${wanted} within ${timeoutMs} ms; saw ${seen.join(', ')}`);
}

describe('MediaConnectSimulator through @aws-sdk/client-mediaconnect', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({
      rateLimit: false,
      defaultStartingDuration: 300,
      defaultStoppingDuration: 200,
      deletingDuration: 100,
    });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  describe('flows', () => {
    it('creates a STANDBY flow with a well-formed ARN over the wire, answering 201', async () => {
      const out = await client.send(new CreateFlowCommand({ Name: 'AwardsShow' }));
      expect(out.$metadata.httpStatusCode).toBe(201);
      expect(out.$metadata.requestId).toEqual(expect.any(String));
      expect(out.Flow?.Status).toBe('STANDBY');
      expect(out.Flow?.FlowArn).toMatch(
        /^arn:aws:mediaconnect:us-east-1:111122223333:flow:1-[A-Za-z0-9]{16}-[A-Za-z0-9]{12}:AwardsShow$/,
      );
      expect(flowArnProblem(out.Flow?.FlowArn)).toBeUndefined();
      expect(sim.flowArnsByName()).toEqual({ AwardsShow: out.Flow?.FlowArn });
    });

    it('answers CreateFlow without a name with 400 BadRequestException', async () => {
      const err = await failure(client.send(new CreateFlowCommand({} as never)));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
    });

    it('answers StartFlow 202 STARTING, stays STARTING for startingDuration, then ACTIVE', async () => {
      const flowArn = sim.createFlow({ name: 'Starter', startingDuration: 400 });
      const startedAt = Date.now();
      const out = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out).toMatchObject({ FlowArn: flowArn, Status: 'STARTING' });
      const seen = await pollUntil(client, flowArn, FlowStatus.ACTIVE);
      expect(seen[0]).toBe('STARTING');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400);
      expect(sim.flowStatus(flowArn)).toBe('ACTIVE');
    });

    it('describes a flow with source, entitlements, outputs and no messages while healthy', async () => {
      const flowArn = sim.createFlow({ name: 'Described' });
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Flow).toMatchObject({
        FlowArn: flowArn,
        Name: 'Described',
        Status: 'STANDBY',
        AvailabilityZone: 'us-east-1a',
        Entitlements: [],
        Outputs: [],
        Source: expect.objectContaining({ Name: 'Described-source' }),
      });
      expect(out.Messages).toBeUndefined();
    });

    it('ends a start in ERROR with the flow’s messages in DescribeFlow, and can be started again', async () => {
      const flowArn = sim.createFlow({
        name: 'Broken',
        startingDuration: 100,
        outcome: 'ERROR',
        errorMessages: ['Source SRT handshake failed'],
      });
      await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      await pollUntil(client, flowArn, FlowStatus.ERROR);
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Messages?.Errors).toEqual(['Source SRT handshake failed']);

      sim.updateFlow(flowArn, { outcome: 'ACTIVE' });
      const restart = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      expect(restart.Status).toBe('STARTING');
      await pollUntil(client, flowArn, FlowStatus.ACTIVE);
      expect((await client.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Messages).toBeUndefined();
    });

    it.each(['STARTING', 'ACTIVE', 'UPDATING'] as const)(
      'refuses StartFlow on a %s flow with 400 naming the status',
      async (status) => {
        const flowArn = sim.createFlow({ name: 'Busy', status, startingDuration: 60_000 });
        const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
        expect(err.name).toBe(AwsErrorName.BadRequest);
        expect(err.$fault).toBe('client');
        expect(err.$metadata?.httpStatusCode).toBe(400);
        expect(err.message).toContain(status);
      },
    );

    it('stops a flow: 202 STOPPING, then STANDBY after stoppingDuration', async () => {
      const flowArn = sim.createFlow({ name: 'Stopper', status: 'ACTIVE', stoppingDuration: 200 });
      const out = await client.send(new StopFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out.Status).toBe('STOPPING');
      const seen = await pollUntil(client, flowArn, FlowStatus.STANDBY);
      expect(seen[0]).toBe('STOPPING');
    });

    it('deletes a flow: 202 DELETING, then NotFound', async () => {
      const flowArn = sim.createFlow({ name: 'Doomed' });
      const out = await client.send(new DeleteFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out.Status).toBe('DELETING');
      await sleep(150);
      const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
      expect(err.name).toBe(AwsErrorName.NotFound);
      expect(sim.flowArnsByName()).toEqual({});
    });

    it('answers an unknown flow with 404 NotFoundException whose message names the ARN', async () => {
      const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-AAAAAAAAAAAAAAAA-BBBBBBBBBBBB:Ghost';
      for (const command of [
        new DescribeFlowCommand({ FlowArn: flowArn }),
        new StartFlowCommand({ FlowArn: flowArn }),
      ]) {
        const err = await failure(client.send(command));
        expect(err.name).toBe('NotFoundException');
        expect(err.$fault).toBe('client');
        expect(err.$metadata?.httpStatusCode).toBe(404);
        expect(err.$metadata?.requestId).toEqual(expect.any(String));
        expect(err.message).toContain(flowArn);
      }
    });

    it('answers a malformed ARN in the path with 400 BadRequestException', async () => {
      const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: 'not-an-arn' })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toMatch(/arn/i);
    });

    it('routes ARNs whose flow name has dots and underscores, decoding the path once', async () => {
      const flowArn = sim.createFlow({ name: 'Awards.Show_2024-main' });
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Flow?.Name).toBe('Awards.Show_2024-main');
      expect(sim.calls({ operation: 'DescribeFlow' })[0].flowArn).toBe(flowArn);

      // The SDK sends ':' as %3A. An ARN encoded twice decodes to "%3A" text: not a flow ARN.
      const twice = encodeURIComponent(encodeURIComponent(flowArn));
      const response = await fetch(`${sim.endpoint}/v1/flows/${twice}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe(AwsErrorName.BadRequest);
    });

    it('answers an unknown route with 404 UnknownOperationException', async () => {
      const response = await fetch(`${sim.endpoint}/v1/bridges`);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await response.json()).toEqual({ message: expect.stringContaining('/v1/bridges') });
    });
  });

  describe('ListFlows', () => {
    it('pages 10 at a time by default with nextToken, and up to maxResults', async () => {
      const arns = Array.from({ length: 25 }, (_, i) =>
        sim.createFlow({ name: `Flow${String(i + 1).padStart(3, '0')}`, status: i === 0 ? 'ACTIVE' : undefined }),
      );
      const pages: number[] = [];
      const listed: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(new ListFlowsCommand({ NextToken: nextToken }));
        pages.push(out.Flows?.length ?? 0);
        listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
        nextToken = out.NextToken;
      } while (nextToken !== undefined);
      expect(pages).toEqual([10, 10, 5]);
      expect(listed).toEqual(arns);

      const all = await client.send(new ListFlowsCommand({ MaxResults: 1000 }));
      expect(all.Flows).toHaveLength(25);
      expect(all.NextToken).toBeUndefined();
      expect(all.Flows?.[0]).toEqual({
        FlowArn: arns[0],
        Name: 'Flow001',
        Status: 'ACTIVE',
        AvailabilityZone: 'us-east-1a',
        Description: 'Simulated flow Flow001',
        SourceType: 'OWNED',
      });
    });

    it.each([0, 1001])('refuses maxResults=%d with 400 BadRequestException', async (maxResults) => {
      const err = await failure(client.send(new ListFlowsCommand({ MaxResults: maxResults })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toContain('maxResults');
    });

    it('refuses a nextToken it did not issue', async () => {
      const err = await failure(client.send(new ListFlowsCommand({ NextToken: 'bogus' })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
    });
  });

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

  describe('observability', () => {
    it('records every call with operation, flow, status, error name and fault, and counts them', async () => {
      const flowArn = sim.createFlow({ name: 'Watched' });
      sim.injectFault({ kind: 'throttle', operation: 'DescribeFlow' });
      await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
      await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      await client.send(new ListFlowsCommand({}));

      const calls = sim.calls();
      expect(calls.map(({ at: _at, ...call }) => call)).toEqual([
        {
          operation: 'DescribeFlow',
          region: 'us-east-1',
          flowArn,
          httpStatus: 429,
          errorName: 'TooManyRequestsException',
          fault: 'throttle',
        },
        { operation: 'DescribeFlow', region: 'us-east-1', flowArn, httpStatus: 200 },
        { operation: 'StartFlow', region: 'us-east-1', flowArn, httpStatus: 202 },
        { operation: 'ListFlows', region: 'us-east-1', httpStatus: 200 },
      ]);
      expect(calls.every((call) => Math.abs(call.at - Date.now()) < 10_000)).toBe(true);
      expect(sim.calls({ operation: 'DescribeFlow', flowArn })).toHaveLength(2);
      expect(sim.stats()).toEqual({
        total: 4,
        byOperation: { DescribeFlow: 2, StartFlow: 1, ListFlows: 1 },
        byRegion: { 'us-east-1': 4 },
        byHttpStatus: { '429': 1, '200': 2, '202': 1 },
        throttled: 1,
        rateLimited: 0,
        dropped: 0,
      });
      sim.resetStats();
      expect(sim.calls()).toEqual([]);
      expect(sim.stats().total).toBe(0);
    });
  });

  describe('TypeScript API validation', () => {
    it('refuses names that cannot be part of a flow ARN and unknown flows', () => {
      expect(() => sim.createFlow({ name: 'has space' })).toThrow(/flow name/);
      expect(() => sim.createFlow({ name: 'Ok', startingDuration: -1 })).toThrow(/startingDuration/);
      expect(() => sim.flowStatus('arn:aws:mediaconnect:us-east-1:111122223333:flow:1-x-y:Nope')).toThrow(
        /no simulated flow/,
      );
      const flowArn = sim.createFlow({ name: 'Fixed' });
      expect(() => sim.updateFlow(flowArn, { name: 'Renamed' })).toThrow(/cannot change/);
    });

    it('refuses invalid options at start with a message naming the option', async () => {
      await expect(MediaConnectSimulator.start({ rateLimit: { requestsPerSecond: 0, burst: 30 } })).rejects.toThrow(
        /requestsPerSecond/,
      );
      await expect(MediaConnectSimulator.start({ accountId: '123' })).rejects.toThrow(/accountId/);
    });
  });

  describe('control API', () => {
    it('creates, patches and inspects flows, scripts faults and resets over HTTP', async () => {
      const post = (path: string, body: unknown, method = 'POST'): Promise<Response> =>
        fetch(`${sim.endpoint}/_simulator/${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const created = await post('flows', {
        name: 'Remote',
        startingDuration: 100,
        outcome: 'ERROR',
        errorMessages: ['no input'],
      });
      expect(created.status).toBe(201);
      const { flowArn } = (await created.json()) as { flowArn: string };
      expect(sim.flowStatus(flowArn)).toBe('STANDBY');

      const patched = await post(`flows/${encodeURIComponent(flowArn)}`, { status: 'ACTIVE' }, 'PATCH');
      expect(await patched.json()).toEqual({ flowArn, status: 'ACTIVE' });

      expect((await post('faults', { kind: 'forbidden', operation: 'DescribeFlow', times: 'Infinity' })).status).toBe(
        201,
      );
      for (let i = 0; i < 2; i++) {
        expect((await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })))).name).toBe(
          AwsErrorName.Forbidden,
        );
      }
      const badFault = await post('faults', { kind: 'slow' });
      expect(badFault.status).toBe(400);
      expect(((await badFault.json()) as { message: string }).message).toContain('delayMs');

      const stats = (await (await fetch(`${sim.endpoint}/_simulator/stats`)).json()) as {
        total: number;
        byHttpStatus: Record<string, number>;
      };
      expect(stats).toMatchObject({ total: 2, byHttpStatus: { '403': 2 } });
      const { calls } = (await (await fetch(`${sim.endpoint}/_simulator/calls?operation=DescribeFlow`)).json()) as {
        calls: { fault?: string }[];
      };
      expect(calls.map((call) => call.fault)).toEqual(['forbidden', 'forbidden']);

      expect((await fetch(`${sim.endpoint}/_simulator/faults`, { method: 'DELETE' })).status).toBe(200);
      expect((await client.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Flow?.Status).toBe('ACTIVE');

      expect((await post('reset', {})).status).toBe(200);
      expect(sim.flowArnsByName()).toEqual({});
      expect(sim.stats().total).toBe(0);
    });
  });
});

describe('MediaConnectSimulator account-wide rate limit', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({ rateLimit: { requestsPerSecond: 5, burst: 4 } });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });

  it('lets a burst through, then answers 429 without Retry-After and does not apply the call, then refills', async () => {
    const flowArn = sim.createFlow({ name: 'Budget' });
    const burst = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.send(new ListFlowsCommand({})).then((out) => out.$metadata.httpStatusCode),
      ),
    );
    expect(burst).toEqual([200, 200, 200, 200]);

    const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
    expect(err.name).toBe(AwsErrorName.TooManyRequests);
    expect(err.$metadata?.httpStatusCode).toBe(429);
    expect(err.$response?.headers['retry-after']).toBeUndefined();
    expect(sim.flowStatus(flowArn)).toBe('STANDBY');
    expect(sim.stats()).toMatchObject({ total: 5, throttled: 1, rateLimited: 1 });
    expect(sim.calls({ operation: 'StartFlow' })[0].fault).toBe('rateLimit');

    await sleep(250); // 5 tokens a second: at least one is back.
    expect((await client.send(new StartFlowCommand({ FlowArn: flowArn }))).Status).toBe('STARTING');
  });

  it('closes sockets held by a slow answer when stopped, so nothing hangs', async () => {
    const other = await MediaConnectSimulator.start({ rateLimit: false });
    const otherClient = mediaConnectClientFor(other.endpoint);
    other.injectFault({ kind: 'slow', delayMs: 60_000 });
    const pending = failure(otherClient.send(new ListFlowsCommand({})));
    await sleep(100);
    const before = Date.now();
    await other.stop();
    const err = await pending;
    expect(Date.now() - before).toBeLessThan(30_000); // not the 60 s answer
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(other.calls()).toHaveLength(1);
    otherClient.destroy();
  });
});

/** One HTTP/1.1 exchange over a raw socket, so a test can send a body that never ends. */
function rawExchange(
  endpoint: string,
  head: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      socket.write(body);
    });
    let received = '';
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8');
      const split = received.indexOf('\r\n\r\n');
      if (split < 0) return;
      const [statusLine, ...lines] = received.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const answerBody = received.slice(split + 4);
      if (Buffer.byteLength(answerBody) < Number(headers['content-length'])) return;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: answerBody });
    });
    socket.on('error', () => undefined); // writes after the server closed: the answer is what counts
    socket.on('close', () =>
      reject(new Error(`the connection closed before a whole answer; got ${JSON.stringify(received.slice(0, 200))}`)),
    );
  });
}

describe('MediaConnectSimulator serving several regions behind one endpoint', () => {
  let sim: MediaConnectSimulator;
  let east: MediaConnectClient;
  let west: MediaConnectClient;

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({
      rateLimit: false,
      regions: ['us-east-1', 'us-west-2'],
      deletingDuration: 50,
    });
    east = mediaConnectClientFor(sim.endpoint, 'us-east-1');
    west = mediaConnectClientFor(sim.endpoint, 'us-west-2');
  });
  afterAll(async () => {
    east.destroy();
    west.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  it('creates a flow in the region of the client that signed the request', async () => {
    expect(sim.regions).toEqual(['us-east-1', 'us-west-2']);
    const out = await west.send(new CreateFlowCommand({ Name: 'Backup' }));
    expect(parseFlowArn(out.Flow?.FlowArn).region).toBe('us-west-2');
    expect(out.Flow?.AvailabilityZone).toBe('us-west-2a');
    expect(out.Flow?.Source?.SourceArn).toMatch(/^arn:aws:mediaconnect:us-west-2:/);
    expect(parseFlowArn(sim.createFlow({ name: 'Primary' })).region).toBe('us-east-1');
    expect(parseFlowArn(sim.createFlow({ name: 'Spare', region: 'us-west-2' })).region).toBe('us-west-2');
  });

  it('lists, describes, starts, stops and deletes only the request region’s flows; another region answers 404', async () => {
    const primary = sim.createFlow({ name: 'Primary' });
    const backup = sim.createFlow({ name: 'Backup', region: 'us-west-2' });
    const listed = async (client: MediaConnectClient) =>
      ((await client.send(new ListFlowsCommand({}))).Flows ?? []).map((flow) => flow.FlowArn);
    expect(await listed(east)).toEqual([primary]);
    expect(await listed(west)).toEqual([backup]);

    for (const command of [
      new DescribeFlowCommand({ FlowArn: backup }),
      new StartFlowCommand({ FlowArn: backup }),
      new StopFlowCommand({ FlowArn: backup }),
      new DeleteFlowCommand({ FlowArn: backup }),
    ]) {
      const err = await failure(east.send(command));
      expect(err.name).toBe(AwsErrorName.NotFound);
      expect(err.$metadata?.httpStatusCode).toBe(404);
    }
    expect(sim.flowStatus(backup)).toBe('STANDBY');
    expect((await west.send(new StartFlowCommand({ FlowArn: backup }))).Status).toBe('STARTING');
    expect((await west.send(new DescribeFlowCommand({ FlowArn: backup }))).Flow?.Status).toBe('STARTING');
    expect((await failure(west.send(new DescribeFlowCommand({ FlowArn: primary })))).name).toBe(AwsErrorName.NotFound);

    expect(sim.calls({ region: 'us-west-2' }).map((call) => [call.operation, call.httpStatus])).toEqual([
      ['ListFlows', 200],
      ['StartFlow', 202],
      ['DescribeFlow', 200],
      ['DescribeFlow', 404],
    ]);
    expect(sim.stats().byRegion).toEqual({ 'us-east-1': 5, 'us-west-2': 4 });
  });

  it('counts an unsigned request in the default region and refuses a region it does not serve with 403', async () => {
    const flowArn = sim.createFlow({ name: 'Primary' });
    const unsigned = await fetch(`${sim.endpoint}/v1/flows`);
    expect(((await unsigned.json()) as { flows: { flowArn: string }[] }).flows.map((flow) => flow.flowArn)).toEqual([
      flowArn,
    ]);
    expect(sim.calls()[0].region).toBe('us-east-1');

    const elsewhere = mediaConnectClientFor(sim.endpoint, 'eu-west-1');
    try {
      const err = await failure(elsewhere.send(new ListFlowsCommand({})));
      expect(err.$metadata?.httpStatusCode).toBe(403);
      expect(err.name).toBe('InvalidSignatureException');
      expect(err.message).toContain('us-east-1, us-west-2');
    } finally {
      elsewhere.destroy();
    }
    expect(() => sim.createFlow({ name: 'Lost', region: 'eu-west-1' })).toThrow(/regions/);
    await expect(MediaConnectSimulator.start({ region: 'us-east-1', regions: ['us-west-2'] })).rejects.toThrow(
      /must include the default region/,
    );
    await expect(MediaConnectSimulator.start({ regions: ['us-east-1', 'mars-1'] })).rejects.toThrow(/region/);
  });

  it('writes each region’s partition into its ARNs and serves them to that region’s client', async () => {
    const mixed = await MediaConnectSimulator.start({
      rateLimit: false,
      regions: ['us-east-1', 'cn-north-1', 'us-gov-west-1'],
    });
    try {
      for (const [region, partition] of [
        ['cn-north-1', 'aws-cn'],
        ['us-gov-west-1', 'aws-us-gov'],
      ]) {
        const flowArn = mixed.createFlow({ name: 'Sovereign', region });
        expect(parseFlowArn(flowArn)).toMatchObject({ partition, region });
        const regional = mediaConnectClientFor(mixed.endpoint, region);
        try {
          expect((await regional.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Flow?.Source?.SourceArn).toMatch(
            new RegExp(`^arn:${partition}:mediaconnect:${region}:`),
          );
        } finally {
          regional.destroy();
        }
      }
    } finally {
      await mixed.stop();
    }
  });

  it('gives each region its own token bucket', async () => {
    const limited = await MediaConnectSimulator.start({
      rateLimit: { requestsPerSecond: 0.01, burst: 2 },
      regions: ['us-east-1', 'us-west-2'],
    });
    const [limitedEast, limitedWest] = ['us-east-1', 'us-west-2'].map((region) =>
      mediaConnectClientFor(limited.endpoint, region),
    );
    try {
      const codes = async (client: MediaConnectClient): Promise<(number | undefined)[]> => {
        const out: (number | undefined)[] = [];
        for (let i = 0; i < 3; i++) {
          out.push(
            await client.send(new ListFlowsCommand({})).then(
              (answer) => answer.$metadata.httpStatusCode,
              (err: SdkError) => err.$metadata?.httpStatusCode,
            ),
          );
        }
        return out;
      };
      expect(await codes(limitedEast)).toEqual([200, 200, 429]);
      expect(await codes(limitedWest)).toEqual([200, 200, 429]);
      expect(limited.stats()).toMatchObject({ rateLimited: 2, byRegion: { 'us-east-1': 3, 'us-west-2': 3 } });
    } finally {
      limitedEast.destroy();
      limitedWest.destroy();
      await limited.stop();
    }
  });
});

describe('MediaConnectSimulator faults for misbehaving services', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({ rateLimit: false, defaultStartingDuration: 60_000 });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

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

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({
      rateLimit: false,
      alreadyStartedAnswer: 'Conflict',
      defaultStartingDuration: 60_000,
    });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

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

describe('MediaConnectSimulator with a big account', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({ rateLimit: false, deletingDuration: 20 });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  it('creates 5000 flows named <prefix>-<n> in one call and lists them in pages of up to 1000', async () => {
    const arns = sim.createFlows(5000, { prefix: 'Big', status: 'ACTIVE' });
    expect(arns).toHaveLength(5000);
    expect(arns.slice(0, 2).map((arn) => parseFlowArn(arn).flowName)).toEqual(['Big-1', 'Big-2']);
    expect(parseFlowArn(arns[4999]).flowName).toBe('Big-5000');
    const listed: string[] = [];
    const pages: number[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListFlowsCommand({ MaxResults: 1000, NextToken: nextToken }));
      pages.push(out.Flows?.length ?? 0);
      listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    expect(pages).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(listed).toEqual(arns);
    expect((await client.send(new DescribeFlowCommand({ FlowArn: arns[4321] }))).Flow?.Status).toBe('ACTIVE');
  });

  it('pages past deleted flows without gaps or repeats', async () => {
    const arns = sim.createFlows(200);
    const doomed = new Set(arns.filter((_, i) => i % 3 !== 0));
    for (const flowArn of doomed) sim.updateFlow(flowArn, { status: 'DELETING' });
    await sleep(50);
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListFlowsCommand({ MaxResults: 7, NextToken: nextToken }));
      listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    expect(listed).toEqual(arns.filter((arn) => !doomed.has(arn)));
  });

  it('refuses a bad batch whole: nothing is created', () => {
    expect(() => sim.createFlows(0)).toThrow(/count/);
    expect(() => sim.createFlows(3, { prefix: 'has space' })).toThrow(/flow name/);
    expect(() => sim.createFlows(3, { region: 'eu-west-1' })).toThrow(/regions/);
    expect(sim.flowArnsByName()).toEqual({});
  });
});

describe('MediaConnectSimulator request bounds and control API origin', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    sim = await MediaConnectSimulator.start({ rateLimit: false });
    client = mediaConnectClientFor(sim.endpoint, sim.region);
  });
  afterAll(async () => {
    client.destroy();
    await sim.stop();
  });
  beforeEach(() => sim.reset());

  it('answers an oversized CreateFlow 413 in the service’s error shape and creates nothing', async () => {
    const err = await failure(client.send(new CreateFlowCommand({ Name: 'x'.repeat(100 * 1024) })));
    expect(err.$metadata?.httpStatusCode).toBe(413);
    expect(err.name).toBe('PayloadTooLargeException');
    expect(err.message).toContain('65536 bytes');
    expect(sim.flowArnsByName()).toEqual({});
    expect(sim.calls().map((call) => [call.operation, call.httpStatus])).toEqual([['CreateFlow', 413]]);
  });

  it('answers 413 as soon as a declared or streamed body passes the bound, without waiting for the rest', async () => {
    const declared = await rawExchange(
      sim.endpoint,
      `POST /v1/flows HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
      '{"name":"',
    );
    expect(declared.status).toBe(413);
    expect(declared.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
    expect(JSON.parse(declared.body)).toEqual({ message: expect.stringContaining('larger than') });

    const chunk = 'y'.repeat(70 * 1024);
    const streamed = await rawExchange(
      sim.endpoint,
      'POST /_simulator/flows HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
    expect(sim.flowArnsByName()).toEqual({});
  });

  it('answers a malformed JSON body 400 BadRequestException, on the wire API and the control API', async () => {
    for (const path of ['/v1/flows', '/_simulator/flows']) {
      const response = await fetch(`${sim.endpoint}${path}`, {
        method: 'POST',
        headers: json,
        body: '{"name": "Broken"',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe(AwsErrorName.BadRequest);
      expect(await response.json()).toEqual({ message: 'The request body is not valid JSON.' });
    }
    expect(sim.flowArnsByName()).toEqual({});
  });

  it('refuses a control request from another origin with 403, and a body that is not JSON with 415', async () => {
    const foreign = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { ...json, origin: 'http://evil.example' },
      body: '{"name":"Evil"}',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('x-amzn-errortype')).toBe(AwsErrorName.Forbidden);
    expect(((await foreign.json()) as { message: string }).message).toContain('evil.example');
    const foreignRead = await fetch(`${sim.endpoint}/_simulator/stats`, { headers: { origin: 'null' } });
    expect(foreignRead.status).toBe(403);

    const text = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"name":"Plain"}',
    });
    expect(text.status).toBe(415);
    expect(sim.flowArnsByName()).toEqual({});

    const own = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { ...json, origin: sim.endpoint },
      body: '{"name":"Mine"}',
    });
    expect(own.status).toBe(201);
    expect(Object.keys(sim.flowArnsByName())).toEqual(['Mine']);
  });
});
