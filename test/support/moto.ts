import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from './ports';

/** A running moto server (the independent MediaConnect emulator) on a local port. */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  endpoint: string;
  /** Forgets every resource moto holds (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Kills moto and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
/** How long moto may take to answer its first request; it imports a lot of Python on start. */
const STARTUP_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `<repo>/.tools/venv/bin/moto_server` (installed by `npm run setup`), else the one on PATH. */
function findMotoServer(): string {
  const local = join(REPO_ROOT, '.tools', 'venv', 'bin', 'moto_server');
  if (isExecutable(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'moto_server'))) return join(dir, 'moto_server');
  }
  throw new Error(`moto_server was found neither at ${local} nor on PATH: run npm run setup`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` on a free port and waits until it answers.
 * @throws Error with moto's stderr when it exits early or does not answer within 20 s.
 */
export async function startMoto(): Promise<MotoServer> {
  const executable = findMotoServer();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // moto logs every request to stderr: keep the tail, which is what explains a failure.
    stderr = (stderr + chunk).slice(-8_000);
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await done;
    clearTimeout(killer);
    child.stderr?.destroy();
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null) {
      await stop();
      throw new Error(
        `moto_server (${executable}) did not start: ${spawnError?.message ?? `exit code ${child.exitCode}`}\n${stderr}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto_server (${executable}) did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s. Its stderr:\n${stderr}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }

  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`moto reset answered HTTP ${response.status}`);
    },
    stop,
  };
}
