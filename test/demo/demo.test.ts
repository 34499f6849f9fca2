/**
 * The one-command demo, run as a user runs it: its own process, its own Temporal dev server (on
 * free ports, data in a temporary file), output not a terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../../src/dev-server/dev-server';
import { temporalCliPath } from '../../src/dev-server/temporal-cli';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/ports';

const REPO = path.resolve(__dirname, '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaconnect-demo-'));
const dbFile = path.join(dataDir, 'temporal.db');
const interruptedDbFile = path.join(dataDir, 'interrupted.db');

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface DemoProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runDemo(args: string[]): DemoProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'demo', 'main.ts'), ...args], {
    cwd: REPO,
    // No AWS settings at all: the demo needs none.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function devServerPid(output: string): number {
  const match = /Temporal dev server .*\(pid (\d+);/.exec(output);
  if (!match) throw new Error(`no dev server pid in the demo's output:\n${output}`);
  return Number(match[1]);
}

describe('npm run demo', () => {
  it('brings every flow online but the one scripted to fail, sums up with Web UI links, takes every flow offline, exits 0 with --exit, and keeps the workflows in its database file', async () => {
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    const demo = runDemo([
      '--flows',
      '4',
      '--starting-seconds',
      '2',
      '--exit',
      '--temporal-port',
      String(temporalPort),
      '--ui-port',
      String(uiPort),
      '--db-file',
      dbFile,
    ]);
    const code = await demo.exited;
    const output = demo.output();

    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain('Summary: 3 of 4 flows ACTIVE, 1 failed');
    const active = output.slice(output.indexOf('ACTIVE:'), output.indexOf('FAILED:'));
    for (const name of ['MainStage', 'Backstage', 'PressRoom'])
      expect(active).toMatch(new RegExp(`^  ${name}\\s+\\d+ polls`, 'm'));
    expect(output).toMatch(
      /^ {2}RedCarpet\s+FlowError: Flow RedCarpet went to ERROR: Source "RedCarpet-camera1" could not connect/m,
    );
    expect(output).toContain('Output "RedCarpet-to-MediaLive" failed: destination 198.51.100.7:5000 is unreachable');
    // The throttled flow met its scripted 429s and still came up.
    expect(output).toMatch(/^Backstage: .*MediaConnect throttled \d+ calls? \(429, Retry-After\)/m);
    expect(output).toMatch(/^Backstage: ACTIVE/m);
    for (const name of ['MainStage', 'RedCarpet', 'Backstage', 'PressRoom']) {
      expect(output).toMatch(
        new RegExp(
          `^  ${name}\\s+http://127\\.0\\.0\\.1:${uiPort}/namespaces/default/workflows/bring-flow-online%3A${name}%3Aus-east-1%3A111122223333%3A[\\w-]+$`,
          'm',
        ),
      );
    }
    // The simulator's status change events reached the bring-ups through the forwarder: two a flow at least.
    const forwarded = /^EventBridge: (\d+) status change events forwarded as (\d+) signals/m.exec(output);
    expect(Number(forwarded?.[1])).toBeGreaterThanOrEqual(8);
    expect(Number(forwarded?.[2])).toBeGreaterThanOrEqual(4);
    expect(output).not.toContain('\x1b['); // not a terminal: plain lines, no cursor moves
    // At the end every flow goes offline: the three ACTIVE ones and the one in ERROR each need a StopFlow.
    expect(output).toMatch(/^Offline: 4 of 4 flows STANDBY \(4 StopFlow calls, \d+ status reads\)\.$/m);

    // Nothing left behind.
    expect(isAlive(devServerPid(output))).toBe(false);
    expect(await portIsFree(temporalPort)).toBe(true);
    expect(await portIsFree(uiPort)).toBe(true);

    // The database file keeps the bring-ups: a dev server restarted on it still lists them.
    const executable = temporalCliPath();
    if (executable === undefined) throw new Error('no Temporal CLI: run npm run setup');
    const restarted = await startDevServer({ executable, port: temporalPort, uiPort, dbFile });
    try {
      const connection = await Connection.connect({ address: restarted.address });
      try {
        const client = new Client({ connection });
        expect(
          (await client.workflow.count(`WorkflowType = 'bringFlowOnline' AND ExecutionStatus = 'Completed'`)).count,
        ).toBe(3);
        expect(
          (await client.workflow.count(`WorkflowType = 'bringFlowOnline' AND ExecutionStatus = 'Failed'`)).count,
        ).toBe(1);
        expect(
          (await client.workflow.count(`WorkflowType = 'takeFleetOffline' AND ExecutionStatus = 'Completed'`)).count,
        ).toBe(1);
      } finally {
        await connection.close();
      }
    } finally {
      await restarted.stop();
    }
  }, 180_000);

  it('stops everything it started on SIGINT mid-run: no dev server left, ports free again', async () => {
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    const demo = runDemo([
      '--flows',
      '4',
      '--starting-seconds',
      '60',
      '--temporal-port',
      String(temporalPort),
      '--ui-port',
      String(uiPort),
      '--db-file',
      interruptedDbFile,
    ]);
    try {
      await waitFor(
        'the bring-ups to be under way',
        () => /^MainStage: STARTING/m.test(demo.output()) || demo.child.exitCode !== null,
        150_000,
      );
      expect(demo.child.exitCode).toBeNull();

      const pid = devServerPid(demo.output());
      const interruptedAt = Date.now();
      demo.child.kill('SIGINT');
      const code = await demo.exited;

      expect(code).toBe(130);
      expect(Date.now() - interruptedAt).toBeLessThan(30_000);
      expect(demo.output()).toContain('SIGINT: stopping the worker, the simulator and the Temporal dev server');
      expect(demo.output()).not.toContain('Summary:');
      expect(isAlive(pid)).toBe(false);
      expect(await portIsFree(temporalPort)).toBe(true);
      expect(await portIsFree(uiPort)).toBe(true);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
  }, 180_000);

  it('says clearly when the Temporal port is taken, and exits 2 without starting anything', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const demo = runDemo([
        '--exit',
        '--temporal-port',
        String(port),
        '--ui-port',
        String(await freePort()),
        '--db-file',
        dbFile,
      ]);
      expect(await demo.exited).toBe(2);
      expect(demo.output()).toContain(`Port ${port} on 127.0.0.1 (Temporal frontend) is in use`);
      expect(demo.output()).toContain('--temporal-port');
      expect(demo.output()).not.toMatch(/Temporal dev server +127\.0\.0\.1/); // the server was never started
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
