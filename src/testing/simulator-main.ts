/**
 * Runs a MediaConnect simulator from the command line, for demos, benchmarks and tests in another
 * process (drive it through its `/_simulator/` control API).
 *
 *   tsx src/testing/simulator-main.ts --port 4566 --rate 5 --burst 30 --flows 20
 *   tsx src/testing/simulator-main.ts --regions us-east-1,us-west-2 --flows 5
 *
 * Prints the endpoint on the first line of stdout, then one `name arn` line per pre-created flow
 * (`--flows` in each region served, the default region's first).
 * Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REQUEST_BUDGET } from '../common/request-budget-math';
import { MediaConnectSimulator } from './simulator';
import type { SimulatorOptions } from './types';

const USAGE = `Usage: simulator-main [--host 127.0.0.1] [--port 0] [--region us-east-1] [--regions us-east-1,us-west-2]
                      [--rate 5 --burst 30 | --no-rate-limit]
                      [--starting-ms 3000] [--seed 1] [--flows N]`;

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new TypeError(`--${name} must be a number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      region: { type: 'string' },
      regions: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      'starting-ms': { type: 'string' },
      seed: { type: 'string' },
      flows: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rate = numberOption('rate', values.rate);
  const burst = numberOption('burst', values.burst);
  const regions = values.regions?.split(',').map((region) => region.trim());
  const flowCount = numberOption('flows', values.flows) ?? 0;
  if (!Number.isInteger(flowCount) || flowCount < 0 || flowCount > 9999)
    throw new TypeError(`--flows must be a whole number from 0 to 9999, got ${flowCount}`);
  const options: SimulatorOptions = {
    host: values.host,
    port: numberOption('port', values.port),
    region: values.region ?? regions?.[0],
    regions,
    seed: numberOption('seed', values.seed),
    defaultStartingDuration: numberOption('starting-ms', values['starting-ms']),
    rateLimit: values['no-rate-limit']
      ? false
      : rate === undefined && burst === undefined
        ? undefined
        : {
            requestsPerSecond: rate ?? DEFAULT_REQUEST_BUDGET.requestsPerSecond,
            burst: burst ?? DEFAULT_REQUEST_BUDGET.burst,
          },
  };
  const simulator = await MediaConnectSimulator.start(options);
  console.log(simulator.endpoint);
  for (const region of simulator.regions) {
    for (let i = 1; i <= flowCount; i++) {
      const name = `Flow${String(i).padStart(3, '0')}`;
      console.log(`${name} ${simulator.createFlow({ name, region })}`);
    }
  }
  const shutdown = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(2);
});
