import { DescribeFlowCommand, type MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { connect } from 'node:net';
import type { FlowStatus } from '../../src/common';
import { MediaConnectSimulator, type SimulatorOptions } from '../../src/testing';
import { mediaConnectClientFor } from './aws';

/** What tests read off an SDK error. */
export interface SdkError extends Error {
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode: number; headers: Record<string, string> };
}

/** The error a call fails with; throws if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Describes a flow until it reaches `wanted`; returns every status seen on the way. */
export async function pollUntil(
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

/** A simulator and an SDK client for its default region, shared by the tests of one `describe`. */
export interface SimulatorUnderTest {
  sim: MediaConnectSimulator;
  client: MediaConnectClient;
}

/**
 * Starts a simulator with `options` before the tests of the enclosing `describe` (handing it and a
 * client to `use`), resets it before each test unless `reset` is false, and stops both after them.
 */
export function useSimulator(
  options: SimulatorOptions,
  use: (started: SimulatorUnderTest) => void,
  { reset = true }: { reset?: boolean } = {},
): void {
  let started: SimulatorUnderTest | undefined;
  beforeAll(async () => {
    const sim = await MediaConnectSimulator.start(options);
    started = { sim, client: mediaConnectClientFor(sim.endpoint, sim.region) };
    use(started);
  });
  afterAll(async () => {
    started?.client.destroy();
    await started?.sim.stop();
  });
  if (reset) beforeEach(() => started?.sim.reset());
}

/** One HTTP/1.1 exchange over a raw socket, so a test can send a body that never ends. */
export function rawExchange(
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
