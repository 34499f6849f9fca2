/**
 * `temporal-mediaconnect worker` and `bundle`, in-process through `runCli` (no server needed): bad
 * settings stop the worker with exit 78 and a message naming the setting, before it connects to
 * anything; `bundle` writes a bundle the worker can load. A flow brought online by the installed
 * package's `worker` command is in test/package/pack-and-consume.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: '/nonexistent', ...env },
  });
  return { code, stdout, stderr };
}

describe('temporal-mediaconnect worker', () => {
  it.each([
    [{ TEMPORAL_ADDRESS: 'http://localhost:7233' }, /TEMPORAL_ADDRESS must be host:port/],
    [{ MEDIACONNECT_BURST: 'lots' }, /MEDIACONNECT_BURST must be a whole number/],
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be "json" or "pretty"/],
    [{ AWS_ENDPOINT_URL_MEDIACONNECT: 'simulator:4566' }, /AWS_ENDPOINT_URL_MEDIACONNECT must be an http\(s\) URL/],
  ])('exits 78 naming the setting for %j', async (env, message) => {
    const { code, stderr } = await cli(['worker'], env);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^temporal-mediaconnect worker: /);
    expect(stderr).toMatch(message);
  });

  it('takes its configuration from the environment only: a flag is bad input (exit 2)', async () => {
    const { code, stderr } = await cli(['worker', '--address', 'localhost:7233'], {});
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--address'");
  });

  it('lists the settings it reads in --help', async () => {
    const { code, stdout } = await cli(['worker', '--help'], {});
    expect(code).toBe(0);
    for (const name of [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_TASK_QUEUE',
      'AWS_ENDPOINT_URL_MEDIACONNECT',
      'WORKFLOW_BUNDLE_PATH',
      'MEDIACONNECT_MAX_REQUESTS_PER_SECOND',
    ])
      expect(stdout).toContain(name);
  });
});

describe('temporal-mediaconnect bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bundle-command-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes the package's workflows as one bundle, creating the folder, and says where", async () => {
    const out = path.join(dir, 'nested', 'workflow-bundle.js');
    const { code, stdout } = await cli(['bundle', out], {});
    expect(code).toBe(0);
    expect(stdout).toContain(`Workflow bundle written to ${out}`);
    const bundle = await readFile(out, 'utf8');
    for (const workflow of ['bringFlowOnline', 'bringFleetOnline', 'mediaConnectRequestBudget'])
      expect(bundle).toContain(`function ${workflow}(`);
  });

  it('needs the output path (exit 2)', async () => {
    const { code, stderr } = await cli(['bundle'], {});
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'outputPath'");
  });
});
