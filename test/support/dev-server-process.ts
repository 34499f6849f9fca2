/**
 * A Temporal dev server run as a child process on a fixed port and database file, so a test can
 * stop it and start it again on the same port and the same SQLite file (the SDK's `createLocal`
 * can do neither). It is the demo's own launcher (`src/dev-server/dev-server.ts`), started again with the
 * same options, plus a wait until the namespace answers.
 */
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/dev-server/dev-server';
import { temporalCliPath } from './temporal';
import { freePort } from './ports';
import { waitFor } from './wait-for';

/** How long the namespace may take to answer once the server listens. */
const READY_TIMEOUT_MS = 30_000;

export class DevServerProcess {
  private server?: DevServer;
  private stopped = true;

  private constructor(private readonly options: DevServerOptions & { port: number }) {}

  /** `127.0.0.1:<port>`, for TEMPORAL_ADDRESS and `Connection.connect`. */
  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  /** Picks free ports and starts the server on them with the given database file. */
  static async start(dbFile: string): Promise<DevServerProcess> {
    const executable = temporalCliPath();
    if (!executable) throw new Error('the Temporal CLI was not found: run npm run setup');
    // Its log goes next to the database file (startDevServer's default), in the test's own folder.
    const server = new DevServerProcess({ executable, dbFile, port: await freePort(), uiPort: await freePort() });
    await server.restart();
    return server;
  }

  /** Starts the server (again) on the same ports and file, and waits until its namespace answers. */
  async restart(): Promise<void> {
    if (!this.stopped) throw new Error('the dev server is already running');
    this.server = await startDevServer(this.options);
    this.stopped = false;
    await waitFor(
      `the dev server's namespace to answer on ${this.address} (log: ${this.server.logFile})`,
      () => this.answers(),
      READY_TIMEOUT_MS,
      200,
    );
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves with how it ended once it has exited. */
  async stop(): Promise<string> {
    if (!this.server || this.stopped) return 'not running';
    this.stopped = true;
    await this.server.stop();
    return `exit code ${await this.server.exited}`;
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
