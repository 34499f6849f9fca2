import {
  CreateFlowCommand,
  DeleteFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, FlowStatus, flowArnProblem } from '../../src/common';
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

async function pollUntil(client: MediaConnectClient, flowArn: string, wanted: FlowStatus, timeoutMs = 5_000): Promise<FlowStatus[]> {
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
    sim = await MediaConnectSimulator.start({ rateLimit: false, defaultStartingDuration: 300, defaultStoppingDuration: 200, deletingDuration: 100 });
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
      expect(out.Flow?.FlowArn).toMatch(/^arn:aws:mediaconnect:us-east-1:111122223333:flow:1-[A-Za-z0-9]{16}-[A-Za-z0-9]{12}:AwardsShow$/);
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
      const flowArn = sim.createFlow({ name: 'Broken', startingDuration: 100, outcome: 'ERROR', errorMessages: ['Source SRT handshake failed'] });
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

    it.each(['STARTING', 'ACTIVE', 'UPDATING'] as const)('refuses StartFlow on a %s flow with 400 naming the status', async (status) => {
      const flowArn = sim.createFlow({ name: 'Busy', status, startingDuration: 60_000 });
      const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$fault).toBe('client');
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toContain(status);
    });

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
      for (const command of [new DescribeFlowCommand({ FlowArn: flowArn }), new StartFlowCommand({ FlowArn: flowArn })]) {
        const err = await failure(client.send(command as DescribeFlowCommand));
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
      const arns = Array.from({ length: 25 }, (_, i) => sim.createFlow({ name: `Flow${String(i + 1).padStart(3, '0')}`, status: i === 0 ? 'ACTIVE' : undefined }));
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
    ];

    it.each(errorFaults)('a %s fault answers %d %s, does not apply the call, and fires once by default', async (kind, httpStatus, name, fault) => {
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
    });

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
        expect((await failure(client.send(new DescribeFlowCommand({ FlowArn: hit })))).name).toBe(AwsErrorName.InternalServerError);
      }
      sim.clearFaults();
      expect((await client.send(new DescribeFlowCommand({ FlowArn: hit }))).Flow?.Status).toBe('STANDBY');
    });

    it('fires a fault for exactly `times` matching calls', async () => {
      const flowArn = sim.createFlow({ name: 'Twice' });
      sim.injectFault({ kind: 'unavailable', operation: 'DescribeFlow', times: 2 });
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        outcomes.push(await client.send(new DescribeFlowCommand({ FlowArn: flowArn })).then(() => 'ok', (err: Error) => err.name));
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
          outcomes.push(await client.send(new DescribeFlowCommand({ FlowArn: flowArn })).then(() => 'ok', () => 'fail'));
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
      const impatient = new MediaConnectClient({
        endpoint: sim.endpoint,
        region: sim.region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        requestHandler: { requestTimeout: 200 },
      });
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
        { operation: 'DescribeFlow', flowArn, httpStatus: 429, errorName: 'TooManyRequestsException', fault: 'throttle' },
        { operation: 'DescribeFlow', flowArn, httpStatus: 200 },
        { operation: 'StartFlow', flowArn, httpStatus: 202 },
        { operation: 'ListFlows', httpStatus: 200 },
      ]);
      expect(calls.every((call) => Math.abs(call.at - Date.now()) < 10_000)).toBe(true);
      expect(sim.calls({ operation: 'DescribeFlow', flowArn })).toHaveLength(2);
      expect(sim.stats()).toEqual({
        total: 4,
        byOperation: { DescribeFlow: 2, StartFlow: 1, ListFlows: 1 },
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
      expect(() => sim.flowStatus('arn:aws:mediaconnect:us-east-1:111122223333:flow:1-x-y:Nope')).toThrow(/no simulated flow/);
      const flowArn = sim.createFlow({ name: 'Fixed' });
      expect(() => sim.updateFlow(flowArn, { name: 'Renamed' })).toThrow(/cannot change/);
    });

    it('refuses invalid options at start with a message naming the option', async () => {
      await expect(MediaConnectSimulator.start({ rateLimit: { requestsPerSecond: 0, burst: 30 } })).rejects.toThrow(/requestsPerSecond/);
      await expect(MediaConnectSimulator.start({ accountId: '123' })).rejects.toThrow(/accountId/);
    });
  });

  describe('control API', () => {
    it('creates, patches and inspects flows, scripts faults and resets over HTTP', async () => {
      const post = (path: string, body: unknown, method = 'POST'): Promise<Response> =>
        fetch(`${sim.endpoint}/_simulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

      const created = await post('flows', { name: 'Remote', startingDuration: 100, outcome: 'ERROR', errorMessages: ['no input'] });
      expect(created.status).toBe(201);
      const { flowArn } = (await created.json()) as { flowArn: string };
      expect(sim.flowStatus(flowArn)).toBe('STANDBY');

      const patched = await post(`flows/${encodeURIComponent(flowArn)}`, { status: 'ACTIVE' }, 'PATCH');
      expect(await patched.json()).toEqual({ flowArn, status: 'ACTIVE' });

      expect((await post('faults', { kind: 'forbidden', operation: 'DescribeFlow', times: 'Infinity' })).status).toBe(201);
      for (let i = 0; i < 2; i++) {
        expect((await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })))).name).toBe(AwsErrorName.Forbidden);
      }
      const badFault = await post('faults', { kind: 'slow' });
      expect(badFault.status).toBe(400);
      expect(((await badFault.json()) as { message: string }).message).toContain('delayMs');

      const stats = (await (await fetch(`${sim.endpoint}/_simulator/stats`)).json()) as { total: number; byHttpStatus: Record<string, number> };
      expect(stats).toMatchObject({ total: 2, byHttpStatus: { '403': 2 } });
      const { calls } = (await (await fetch(`${sim.endpoint}/_simulator/calls?operation=DescribeFlow`)).json()) as { calls: { fault?: string }[] };
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
      Array.from({ length: 4 }, () => client.send(new ListFlowsCommand({})).then((out) => out.$metadata.httpStatusCode)),
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
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(other.calls()).toHaveLength(1);
    otherClient.destroy();
  });
});
