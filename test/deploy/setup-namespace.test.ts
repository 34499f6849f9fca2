/**
 * deploy/temporal/setup-namespace.sh, the compose stack's one-shot namespace set-up, run for real
 * with the Temporal CLI against a dev server that starts without this package's search attributes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../../src/common/search-attributes';
import { createDevServer, temporalCliPath } from '../support/temporal';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'deploy', 'temporal', 'setup-namespace.sh');
const namespace = 'event-day';

/** The environment docker-compose.yml gives the set-up service. */
const composeEnv = (
  parse(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { environment: Record<string, string> }>;
  }
).services['temporal-setup-namespace'].environment;

let env: TestWorkflowEnvironment;

function runSetup(): Promise<{ code: number | null; output: string }> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('the Temporal CLI is not installed: run `npm run setup`');
  return new Promise((resolve) => {
    const child = spawn('sh', [SCRIPT], {
      env: {
        PATH: `${path.dirname(cli)}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '/tmp',
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: namespace,
        SEARCH_ATTRIBUTES: composeEnv.SEARCH_ATTRIBUTES,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function customSearchAttributes(): Promise<Record<string, string>> {
  const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  return Object.fromEntries(
    Object.entries(customAttributes ?? {}).map(([name, type]) => [name, type === keyword ? 'Keyword' : String(type)]),
  );
}

beforeAll(async () => {
  env = await createDevServer({ server: { searchAttributes: [] } });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

describe('deploy/temporal/setup-namespace.sh', () => {
  it("creates the namespace with 3 days' retention and declares every search attribute of the package on it", async () => {
    const { code, output } = await runSetup();
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining(`Search attributes on ${namespace}`) });
    const { config } = await env.connection.workflowService.describeNamespace({ namespace });
    expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(72 * 3600);
    expect(await customSearchAttributes()).toMatchObject(SEARCH_ATTRIBUTE_DECLARATIONS);
  }, 120_000);

  it('succeeds again on a namespace that is already set up, as a restarted stack runs it', async () => {
    const { code, output } = await runSetup();
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining(`Namespace ${namespace} exists`) });
    expect(await customSearchAttributes()).toMatchObject(SEARCH_ATTRIBUTE_DECLARATIONS);
  }, 120_000);
});
