/**
 * The Temporal dev server with its Web UI, as a child process of the demo: `temporal server
 * start-dev` with this package's search attributes declared and its state in a SQLite file, so a
 * restart keeps every workflow for the UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../common/search-attributes';

/** How to run the dev server. */
export interface DevServerOptions {
  /** Path of the Temporal CLI (see `temporalCliPath()`). */
  executable: string;
  /** Interface the frontend and the UI listen on. @default '127.0.0.1' */
  ip?: string;
  /** Port of the gRPC frontend (what workers and clients connect to). @default 7233 */
  port?: number;
  /** Port of the Web UI. @default 8233 */
  uiPort?: number;
  /** SQLite file that keeps the server's state across restarts; its directory is created. */
  dbFile: string;
  /** File the server's own output is appended to. @default `temporal-server.log` next to `dbFile` */
  logFile?: string;
  /** Namespace to create (besides "default", which always exists). @default 'default' */
  namespace?: string;
  /** Milliseconds to wait for the frontend and the UI to accept connections. @default 60000 */
  startTimeoutMs?: number;
}

/** A running dev server. */
export interface DevServer {
  /** `127.0.0.1:7233`: give it to workers and clients. */
  address: string;
  /** `http://127.0.0.1:8233`. */
  uiUrl: string;
  /** The server process's id. */
  pid: number;
  logFile: string;
  /** Resolves when the process has exited, with its exit code (or 128 + signal). */
  exited: Promise<number>;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`) and waits until it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Last resort from a process 'exit' handler: SIGKILL without waiting. */
  killNow(): void;
}

/** Raised when the dev server cannot start; the message says why and what to change. */
export class DevServerError extends Error {
  override name = 'DevServerError';
}

const DEFAULTS = { ip: '127.0.0.1', port: 7233, uiPort: 8233, namespace: 'default', startTimeoutMs: 60_000 };

/** The command-line arguments of `temporal` for these options. */
export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? DEFAULTS.ip,
    '--port',
    String(options.port ?? DEFAULTS.port),
    '--ui-port',
    String(options.uiPort ?? DEFAULTS.uiPort),
    '--db-filename',
    options.dbFile,
    '--namespace',
    options.namespace ?? DEFAULTS.namespace,
  ];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS))
    args.push('--search-attribute', `${name}=${type}`);
  return args;
}

/**
 * Fails with a clear message when something already listens on `port` (another dev server, a
 * previous demo still running): `flag` names the option that picks another port.
 */
export async function assertPortFree(ip: string, port: number, what: string, flag: string): Promise<void> {
  const problem = await new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' ? 'in use' : `not usable (${err.code ?? err.message})`),
    );
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (problem !== undefined) {
    throw new DevServerError(
      `Port ${port} on ${ip} (${what}) is ${problem}: is another Temporal dev server or demo running? Stop it, or choose another port with ${flag}.`,
    );
  }
}

/** Starts the dev server and resolves once its frontend and UI accept connections. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? DEFAULTS.ip;
  const port = options.port ?? DEFAULTS.port;
  const uiPort = options.uiPort ?? DEFAULTS.uiPort;
  const logFile = options.logFile ?? path.join(path.dirname(options.dbFile), 'temporal-server.log');
  mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
  mkdirSync(path.dirname(path.resolve(logFile)), { recursive: true });

  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // Its own process group: a terminal's Ctrl-C reaches the demo only, which stops the server
    // last, after the worker, instead of both at once.
    child = spawn(options.executable, devServerArgs({ ...options, ip, port, uiPort }), {
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    child.once('error', () => resolve(127));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const server: DevServer = {
    address: `${ip}:${port}`,
    uiUrl: `http://${ip}:${uiPort}`,
    pid: child.pid ?? -1,
    logFile,
    exited,
    async stop(graceMs = 10_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs, false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    killNow() {
      if (!hasExited) child.kill('SIGKILL');
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULTS.startTimeoutMs);
  for (const [what, listening] of [
    ['frontend', port],
    ['Web UI', uiPort],
  ] as const) {
    while (!(await accepts(ip, listening))) {
      if (hasExited) {
        throw new DevServerError(
          `The Temporal dev server exited with code ${await exited} before its ${what} listened on ${ip}:${listening}. Its log (${logFile}) ends with:\n${tail(logFile, 15)}`,
        );
      }
      if (Date.now() > deadline) {
        await server.stop(2_000);
        throw new DevServerError(
          `The Temporal dev server's ${what} did not listen on ${ip}:${listening} within ${options.startTimeoutMs ?? DEFAULTS.startTimeoutMs} ms. See ${logFile}.`,
        );
      }
      await sleep(100);
    }
  }
  return server;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
