// Brings flows online against the simulator through the installed package only: once with the
// library's createWorker and the consumer's own workflow bundle, once with the package's `worker`
// command. Prints one JSON line with what it saw. Usage: node run.js <temporal address> <consumer bundle> <cli bundle>
const { spawn } = require('node:child_process');
const path = require('node:path');
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection } = require('@temporalio/worker');
const { createMediaConnectClient, createWorker } = require('temporal-mediaconnect');
const { startBringFlowOnline } = require('temporal-mediaconnect/client');
const { MediaConnectSimulator } = require('temporal-mediaconnect/testing');

const credentials = { accessKeyId: 'consumer-test', secretAccessKey: 'consumer-test' };

async function main() {
  const [address, consumerBundle, cliBundle] = process.argv.slice(2);
  const simulator = await MediaConnectSimulator.start();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const report = {};
  try {
    // 1. The library: the consumer's worker, its own bundle (this package's workflows and its own).
    const libraryFlow = simulator.createFlow({ name: 'LibraryShow', startingDuration: 1_000 });
    const nativeConnection = await NativeConnection.connect({ address });
    const mediaConnect = createMediaConnectClient({
      region: simulator.region,
      endpoint: simulator.endpoint,
      credentials,
    });
    try {
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: 'consumer-library',
        mediaConnect,
        workflowBundlePath: consumerBundle,
      });
      report.library = await worker.runUntil(async () => {
        const handle = await startBringFlowOnline(client, { flowArn: libraryFlow }, { taskQueue: 'consumer-library' });
        const result = await handle.result();
        const child = await client.workflow.execute('eventDay', {
          args: [simulator.createFlow({ name: 'EventDayShow', startingDuration: 500 })],
          taskQueue: 'consumer-library',
          workflowId: 'consumer-event-day',
        });
        return { ...result, eventDayStatus: child.status };
      });
    } finally {
      await nativeConnection.close();
      mediaConnect.destroy();
    }

    // 2. The installed package's `worker` command, configured from the environment only.
    const cliFlow = simulator.createFlow({ name: 'CliShow', startingDuration: 1_000 });
    const bin = path.join(
      path.dirname(require.resolve('temporal-mediaconnect/package.json')),
      require('temporal-mediaconnect/package.json').bin['temporal-mediaconnect'],
    );
    const child = spawn(process.execPath, [bin, 'worker'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TASK_QUEUE: 'consumer-cli',
        AWS_REGION: simulator.region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_MEDIACONNECT: simulator.endpoint,
        WORKFLOW_BUNDLE_PATH: cliBundle,
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    try {
      const handle = await startBringFlowOnline(client, { flowArn: cliFlow }, { taskQueue: 'consumer-cli' });
      report.cli = await Promise.race([
        handle.result(),
        exited.then((code) => Promise.reject(new Error(`the worker command exited (${code}): ${output}`))),
      ]);
    } finally {
      child.kill('SIGTERM');
      report.cliExitCode = await exited;
      report.cliOutput = output.slice(-4_000);
    }
    report.startFlowCalls = simulator.calls({ operation: 'StartFlow' }).map((call) => call.flowArn);
    report.flowStatuses = Object.fromEntries(
      Object.entries(simulator.flowArnsByName()).map(([name, arn]) => [name, simulator.flowStatus(arn)]),
    );
  } finally {
    await connection.close();
    await simulator.stop();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
