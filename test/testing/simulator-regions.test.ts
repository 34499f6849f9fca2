import {
  CreateFlowCommand,
  DeleteFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  type MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, parseFlowArn } from '../../src/common';
import { MediaConnectSimulator } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';
import { failure, sleep, useSimulator, type SdkError } from '../support/simulator';

describe('MediaConnectSimulator account-wide rate limit', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator({ rateLimit: { requestsPerSecond: 5, burst: 4 } }, (started) => ({ sim, client } = started), {
    reset: false,
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

describe('MediaConnectSimulator serving several regions behind one endpoint', () => {
  let sim: MediaConnectSimulator;
  let east: MediaConnectClient;
  let west: MediaConnectClient;
  useSimulator(
    { rateLimit: false, regions: ['us-east-1', 'us-west-2'], deletingDuration: 50 },
    (started) => ({ sim, client: east } = started),
  );
  beforeAll(() => {
    west = mediaConnectClientFor(sim.endpoint, 'us-west-2');
  });
  afterAll(() => west.destroy());

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
