/**
 * A Temporal dev server run as a child process on a fixed port and database file, so a test can
 * stop it and start it again on the same port and the same SQLite file (the SDK's
 * `createLocal` can do neither).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../../src/common/search-attributes';
import { temporalCliPath } from '../support/temporal';
import { freePort } from '../support/ports';

/** How long a dev server may take to answer after it is spawned. */
const STARTUP_TIMEOUT_MS = 60_000;
/** How long SIGTERM gets before SIGKILL. */
const STOP_GRACE_MS = 10_000;

export class DevServerProcess {
  private child?: ChildProcess;
  private log = '';

  private constructor(
    /** The gRPC port, the same across restarts. */
    readonly port: number,
    /** The SQLite file, the same across restarts. */
    readonly dbFile: string,
  ) {}

  /** `127.0.0.1:<port>`, for TEMPORAL_ADDRESS and `Connection.connect`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Picks a free port and starts the server on it with the given database file. */
  static async start(dbFile: string): Promise<DevServerProcess> {
    const server = new DevServerProcess(await freePort(), dbFile);
    await server.restart();
    return server;
  }

  /** Starts the server (again) on the same port and file, and waits until it answers. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the dev server is already running');
    const cli = temporalCliPath();
    if (!cli) throw new Error('the Temporal CLI was not found: run npm run setup');
    const searchAttributes = Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(this.port), '--headless', '--db-filename', this.dbFile, '--namespace', 'default', '--log-level', 'warn', ...searchAttributes];
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk) => (this.log = (this.log + chunk).slice(-8_000)));
    child.stderr?.on('data', (chunk) => (this.log = (this.log + chunk).slice(-8_000)));
    this.child = child;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the dev server exited with code ${child.exitCode}:\n${this.log}`);
      if (await this.answers()) return;
      if (Date.now() > deadline) throw new Error(`the dev server did not answer on ${this.address} within ${STARTUP_TIMEOUT_MS} ms:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves with how it ended once it has exited. */
  async stop(): Promise<string> {
    const child = this.child;
    if (!child || !this.running) return 'not running';
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    const how = await exited;
    clearTimeout(killer);
    return how;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The tail of the server's output, for failure messages. */
  output(): string {
    return this.log;
  }

  private async answers(): Promise<boolean> {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } catch {
      return false;
    } finally {
      await connection?.close();
    }
  }
}

