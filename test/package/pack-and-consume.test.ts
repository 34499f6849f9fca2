/**
 * The package as a consumer gets it: `npm pack`, the tarball installed into a scratch project
 * pinned to another @temporalio 1.x release than this repository's (the floor of the peer range),
 * type-checked under three module resolutions, its workflows bundled by the consumer, and flows
 * brought online against the simulator on a real dev server through the installed package only
 * (the library's createWorker, then the package's `worker` command).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServer } from '../support/temporal';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'consumer');
const packageJson = require('../../package.json') as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The @temporalio release the consumer pins: the lowest the peer range accepts, not the repository's. */
const CONSUMER_TEMPORAL_VERSION = packageJson.peerDependencies['@temporalio/client'].replace(/^\^/, '');
const TEMPORAL_PACKAGES = [
  'activity',
  'client',
  'common',
  'envconfig',
  'interceptors-opentelemetry',
  'worker',
  'workflow',
].map((name) => `@temporalio/${name}`);

const RESOLUTIONS = {
  node: { module: 'commonjs', moduleResolution: 'node' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
} as const;

/**
 * The copies of @temporalio/workflow's runtime a workflow bundle contains: webpack opens each module
 * with a line `/***\/ "<its path>"`, so each copy of the runtime's `internals.js` has one such line.
 */
function workflowRuntimes(bundle: string): string[] {
  return bundle
    .split('\n')
    .filter((line) => line.startsWith('/***/ "') && line.endsWith('@temporalio/workflow/lib/internals.js"'));
}

let consumer: string;
let tarballFiles: string[];
let env: TestWorkflowEnvironment | undefined;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
  return stdout;
}

async function node(args: string[], options: { timeout?: number } = {}): Promise<string> {
  const { stdout } = await run(process.execPath, args, {
    cwd: consumer,
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeout ?? 120_000,
  });
  return stdout;
}

beforeAll(async () => {
  consumer = await mkdtemp(path.join(tmpdir(), 'temporal-mediaconnect-consumer-'));
  // prepack compiles lib/ first: packing a fresh clone ships the compiled code.
  const [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', consumer], REPO)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarballFiles = packed.files.map((file) => file.path);
  await writeFile(
    path.join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: {
        'temporal-mediaconnect': `file:./${packed.filename}`,
        ...Object.fromEntries(TEMPORAL_PACKAGES.map((name) => [name, CONSUMER_TEMPORAL_VERSION])),
      },
    }),
  );
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
  for (const file of ['workflows.ts', 'consumer.ts', 'run.js', 'bundle.js', 'loads.js'])
    await copyFile(path.join(FIXTURES, file), path.join(consumer, file));
}, 600_000);

afterAll(async () => {
  await env?.teardown();
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the compiled entry points, their types, the CLI, the LICENSE and the sources of the source maps; no tests, demo or bundle', () => {
    for (const file of [
      'lib/index.js',
      'lib/index.d.ts',
      'lib/client/index.d.ts',
      'lib/workflows/index.d.ts',
      'lib/activities/index.d.ts',
      'lib/testing/index.d.ts',
      'lib/events/lambda.js',
      'lib/events/lambda.d.ts',
      'lib/cli/main.js',
      'lib/worker.js',
      'src/index.ts',
      'LICENSE',
      'README.md',
      'package.json',
    ]) {
      expect(tarballFiles).toContain(file);
    }
    expect(
      tarballFiles.filter((file) =>
        /^(test|bench|scripts|deploy|\.ci)\/|^lib\/(demo|dev-server)\/|workflow-bundle|\.test\./.test(file),
      ),
    ).toEqual([]);
  });

  it(`installs beside @temporalio ${CONSUMER_TEMPORAL_VERSION} (not the repository's ${packageJson.devDependencies['@temporalio/client']}) with one copy of each`, async () => {
    expect(CONSUMER_TEMPORAL_VERSION).not.toBe(packageJson.devDependencies['@temporalio/client']);
    const tree = JSON.parse(await npm(['ls', '--all', '--json', ...TEMPORAL_PACKAGES], consumer)) as unknown;
    const versions = new Map<string, Set<string>>();
    (function walk(deps: Record<string, { version?: string; dependencies?: Record<string, unknown> }> | undefined) {
      for (const [name, dep] of Object.entries(deps ?? {})) {
        if (name.startsWith('@temporalio/') && dep.version)
          versions.set(name, (versions.get(name) ?? new Set()).add(dep.version));
        walk(dep.dependencies as never);
      }
    })((tree as { dependencies: never }).dependencies);
    for (const name of TEMPORAL_PACKAGES)
      expect([name, [...(versions.get(name) ?? [])]]).toEqual([name, [CONSUMER_TEMPORAL_VERSION]]);
  });
});

describe('a consumer project', () => {
  it.each(Object.keys(RESOLUTIONS) as Array<keyof typeof RESOLUTIONS>)(
    'type-checks every entry point under moduleResolution %s',
    async (resolution) => {
      const tsconfig = path.join(consumer, `tsconfig.${resolution}.json`);
      await writeFile(
        tsconfig,
        JSON.stringify({
          compilerOptions: {
            ...RESOLUTIONS[resolution],
            target: 'ES2022',
            strict: true,
            esModuleInterop: true,
            resolveJsonModule: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [path.join(REPO, 'node_modules', '@types')],
          },
          files: ['consumer.ts', 'workflows.ts'],
        }),
      );
      const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: consumer }).then(
        () => 'ok',
        (err: { stdout: string }) => err.stdout,
      );
      expect(result).toBe('ok');
    },
    240_000,
  );

  it('loads neither @temporalio/worker nor the MediaConnect client through temporal-mediaconnect/client or /lambda, and not the worker through the root', async () => {
    const client = JSON.parse(await node(['loads.js', 'temporal-mediaconnect/client'])) as string[];
    expect(client).toContain('@temporalio/client');
    // ARN checks read the AWS SDK's partition table (@aws-sdk/util-endpoints); nothing else of the SDK.
    const unwanted = [
      '@temporalio/worker',
      '@temporalio/core-bridge',
      '@temporalio/workflow',
      '@temporalio/activity',
      '@temporalio/envconfig',
      '@aws-sdk/client-mediaconnect',
    ];
    expect(client.filter((name) => unwanted.includes(name))).toEqual([]);
    // The Lambda forwarder: the Temporal client and its connection settings, no workflow code, no MediaConnect client.
    const lambda = JSON.parse(await node(['loads.js', 'temporal-mediaconnect/lambda'])) as string[];
    expect(lambda).toContain('@temporalio/client');
    expect(lambda.filter((name) => unwanted.includes(name) && name !== '@temporalio/envconfig')).toEqual([]);
    const root = JSON.parse(await node(['loads.js', 'temporal-mediaconnect'])) as string[];
    expect(root).toContain('@aws-sdk/client-mediaconnect');
    expect(root.filter((name) => name === '@temporalio/worker' || name === '@temporalio/core-bridge')).toEqual([]);
  });

  it("bundles its own workflows with this package's into a bundle holding exactly one workflow runtime", async () => {
    await node(['bundle.js', 'consumer-bundle.js'], { timeout: 230_000 });
    const bundle = await readFile(path.join(consumer, 'consumer-bundle.js'), 'utf8');
    expect(workflowRuntimes(bundle)).toHaveLength(1);
    expect(bundle).toContain('temporal-mediaconnect/lib/workflows/bring-flow-online.js');
  }, 240_000);

  it("writes the package's own workflow bundle with `temporal-mediaconnect bundle <out>`", async () => {
    const { stdout } = await run(
      path.join(consumer, 'node_modules', '.bin', 'temporal-mediaconnect'),
      ['bundle', 'cli-bundle.js'],
      { cwd: consumer, timeout: 230_000 },
    );
    expect(stdout).toContain(`Workflow bundle written to ${path.join(consumer, 'cli-bundle.js')}`);
    expect(workflowRuntimes(await readFile(path.join(consumer, 'cli-bundle.js'), 'utf8'))).toHaveLength(1);
  }, 240_000);

  it("brings flows online against the simulator on a dev server, with the library's createWorker and with the `worker` command", async () => {
    env = await createDevServer();
    const address = env.connection.options.address;
    const report = JSON.parse(
      await node(['run.js', address, 'consumer-bundle.js', 'cli-bundle.js'], { timeout: 280_000 }),
    ) as {
      library: { status: string; startedByWorkflow: boolean; eventDayStatus: string };
      cli: { status: string; flowArn: string; startedByWorkflow: boolean };
      cliExitCode: number;
      cliOutput: string;
      startFlowCalls: string[];
      flowStatuses: Record<string, string>;
    };
    expect(report.library).toMatchObject({ status: 'ACTIVE', startedByWorkflow: true, eventDayStatus: 'ACTIVE' });
    expect(report.cli).toMatchObject({ status: 'ACTIVE', startedByWorkflow: true });
    expect(report.flowStatuses).toEqual({ LibraryShow: 'ACTIVE', EventDayShow: 'ACTIVE', CliShow: 'ACTIVE' });
    expect(report.startFlowCalls).toContain(report.cli.flowArn);
    // SIGTERM: the worker command shuts down gracefully and exits 0, having logged JSON lines.
    expect(report.cliExitCode).toBe(0);
    expect(report.cliOutput).toMatch(/"message":"Worker running"/);
  }, 300_000);
});
