/**
 * One contract, two servers: the behaviour that moto (an independent MediaConnect emulator) and
 * our simulator both implement, checked through the real SDK over HTTP. When they agree here, a
 * test that passes against the simulator is not merely testing the simulator's own ideas.
 *
 * Known differences, which this suite deliberately does not assert:
 * - StartFlow and StopFlow: the simulator answers 202 (the API model's code), moto 200. The SDK
 *   accepts both and hides the code, so the suite asserts the output.
 * - CreateFlow: the simulator answers 201, moto 200; moto also needs a `source` (it answers an
 *   HTML 500 without one) and issues 32-hex flow ids and account 123456789012.
 * - Unknown flow: both answer NotFoundException, but moto with HTTP 400 and the simulator with 404
 *   (the API model's code), so the suite asserts the error name only.
 * - moto flips STARTING to ACTIVE on the first DescribeFlow; the simulator after startingDuration.
 * - moto ignores maxResults' nextToken (it never pages) and cannot route flow names with dots.
 */
import {
  CreateFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, FlowStatus, parseFlowArn } from '../../src/common';
import { MediaConnectSimulator } from '../../src/testing';
import { mediaConnectClientFor } from '../support/aws';
import { startMoto } from '../support/moto';

/** A MediaConnect-compatible server under test. */
interface Backend {
  endpoint: string;
  region: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'moto',
    async () => {
      const moto = await startMoto();
      return { endpoint: moto.endpoint, region: 'us-east-1', reset: moto.reset, stop: moto.stop };
    },
  ],
  [
    'simulator',
    async () => {
      const sim = await MediaConnectSimulator.start({
        rateLimit: false,
        defaultStartingDuration: 200,
        defaultStoppingDuration: 200,
      });
      return {
        endpoint: sim.endpoint,
        region: sim.region,
        reset: () => Promise.resolve(sim.reset()),
        stop: () => sim.stop(),
      };
    },
  ],
];

const SETTLE_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;

describe.each(backends)('MediaConnect contract against %s', (_name, startBackend) => {
  let backend: Backend;
  let client: MediaConnectClient;

  beforeAll(async () => {
    backend = await startBackend();
    client = mediaConnectClientFor(backend.endpoint, backend.region);
  });
  afterAll(async () => {
    client?.destroy();
    await backend?.stop();
  });
  beforeEach(async () => {
    await backend.reset();
  });

  async function createFlow(name: string): Promise<string> {
    const out = await client.send(
      new CreateFlowCommand({
        Name: name,
        Source: { Name: `${name}-source`, Protocol: 'srt-listener', IngestPort: 5000, WhitelistCidr: '0.0.0.0/0' },
      }),
    );
    return out.Flow?.FlowArn as string;
  }

  async function statusOf(flowArn: string): Promise<string | undefined> {
    return (await client.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Flow?.Status;
  }

  async function pollUntil(flowArn: string, wanted: FlowStatus): Promise<string[]> {
    const seen: string[] = [];
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const status = await statusOf(flowArn);
      seen.push(String(status));
      if (status === wanted) return seen;
      await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS));
    }
    throw new Error(`flow did not reach ${wanted} within ${SETTLE_TIMEOUT_MS} ms; saw ${seen.join(', ')}`);
  }

  it('creates a flow in STANDBY with a well-formed flow ARN that ends with its name', async () => {
    const out = await client.send(
      new CreateFlowCommand({
        Name: 'ContractShow',
        Source: { Name: 'src', Protocol: 'srt-listener', IngestPort: 5000, WhitelistCidr: '0.0.0.0/0' },
      }),
    );
    expect(out.Flow?.Status).toBe('STANDBY');
    const parts = parseFlowArn(out.Flow?.FlowArn);
    expect(parts).toMatchObject({ partition: 'aws', region: backend.region, flowName: 'ContractShow' });
  });

  it('describes the flow it created', async () => {
    const flowArn = await createFlow('Described');
    const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
    expect(out.Flow).toMatchObject({ FlowArn: flowArn, Name: 'Described', Status: 'STANDBY' });
    expect(out.Messages).toBeUndefined();
  });

  it('answers StartFlow with STARTING, and DescribeFlow reaches ACTIVE', async () => {
    const flowArn = await createFlow('Starter');
    const started = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
    expect(started).toMatchObject({ FlowArn: flowArn, Status: 'STARTING' });
    const seen = await pollUntil(flowArn, FlowStatus.ACTIVE);
    expect(seen.every((status) => status === 'STARTING' || status === 'ACTIVE')).toBe(true);
  });

  it('lists the flow with its status', async () => {
    const flowArn = await createFlow('Listed');
    const out = await client.send(new ListFlowsCommand({ MaxResults: 1000 }));
    expect(out.Flows).toEqual([
      expect.objectContaining({ FlowArn: flowArn, Name: 'Listed', Status: 'STANDBY', SourceType: 'OWNED' }),
    ]);
  });

  it('stops a started flow, which reaches STANDBY', async () => {
    const flowArn = await createFlow('Stopper');
    await client.send(new StartFlowCommand({ FlowArn: flowArn }));
    await pollUntil(flowArn, FlowStatus.ACTIVE);
    const stopped = await client.send(new StopFlowCommand({ FlowArn: flowArn }));
    expect(stopped).toMatchObject({ FlowArn: flowArn, Status: 'STOPPING' });
    await pollUntil(flowArn, FlowStatus.STANDBY);
  });

  it('answers an unknown flow ARN with NotFoundException (HTTP status differs: moto 400, simulator 404)', async () => {
    const created = parseFlowArn(await createFlow('Real'));
    const ghost = `arn:aws:mediaconnect:${created.region}:${created.accountId}:flow:1-AAAAAAAAAAAAAAAA-BBBBBBBBBBBB:Ghost`;
    let caught: unknown;
    try {
      await client.send(new DescribeFlowCommand({ FlowArn: ghost }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ name: AwsErrorName.NotFound, $fault: 'client' });
    expect([400, 404]).toContain((caught as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode);
  });
});
