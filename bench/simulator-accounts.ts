/**
 * What an account of many flows costs the simulator: `npx tsx bench/simulator-accounts.ts`.
 *
 * For accounts of 1000, 5000 and 20,000 flows: creating them (`createFlows`), reading every flow
 * with ListFlows pages of 1000, a ListFlows page of 10, and DescribeFlow, all over HTTP through
 * `@aws-sdk/client-mediaconnect`. A page and a DescribeFlow should cost about the same whatever
 * the account's size (O(page), O(1)); the HTTP round trip dominates both. Prints a Markdown table.
 */
import { DescribeFlowCommand, ListFlowsCommand, MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { MediaConnectSimulator } from '../src/testing';
import { table } from './support';

const SIZES = [1000, 5000, 20_000];
const SMALL_PAGES = 100;
const DESCRIBES = 1000;

async function perCall(calls: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(i);
  return (performance.now() - started) / calls;
}

async function measure(size: number): Promise<string[]> {
  const sim = await MediaConnectSimulator.start({ rateLimit: false });
  const client = new MediaConnectClient({
    endpoint: sim.endpoint,
    region: sim.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  try {
    let started = performance.now();
    const arns = sim.createFlows(size, { prefix: 'Bench' });
    const createMs = performance.now() - started;
    started = performance.now();
    let pages = 0;
    let nextToken: string | undefined;
    do {
      nextToken = (await client.send(new ListFlowsCommand({ MaxResults: 1000, NextToken: nextToken }))).NextToken;
      pages += 1;
    } while (nextToken !== undefined);
    const listAllMs = performance.now() - started;
    const pageMs = await perCall(SMALL_PAGES, () => client.send(new ListFlowsCommand({ MaxResults: 10 })));
    const describeMs = await perCall(DESCRIBES, (i) =>
      client.send(new DescribeFlowCommand({ FlowArn: arns[(i * 7919) % size] })),
    );
    return [
      String(size),
      createMs.toFixed(0),
      `${listAllMs.toFixed(0)} (${pages} page${pages === 1 ? '' : 's'})`,
      pageMs.toFixed(2),
      describeMs.toFixed(2),
    ];
  } finally {
    client.destroy();
    await sim.stop();
  }
}

async function main(): Promise<void> {
  await measure(100); // warm-up: the SDK's and the JIT's first calls are slow
  const rows: string[][] = [];
  for (const size of SIZES) rows.push(await measure(size));
  console.log(
    table(
      ['flows', 'createFlows ms', 'ListFlows of all, ms', 'ListFlows page of 10, ms/call', 'DescribeFlow, ms/call'],
      rows,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
