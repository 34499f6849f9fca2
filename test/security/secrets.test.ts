/**
 * No credentials in logs, failure details or workflow histories. The real worker runs in its own
 * process with distinctive AWS credentials (access key id, secret key, session token) and DEBUG
 * JSON logs; it brings flows online through a recording proxy in front of the simulator (which
 * proves the credentials were really used to sign the requests). Then neither value may appear
 * in the worker's output, in any history (raw, or with every payload decoded), or in the
 * failures a caller sees.
 *
 * For flows named `Echo...` the proxy plays a service that echoes the signed request (its
 * Authorization and X-Amz-Security-Token headers) back in its error message, and the simulator
 * does the same with its `echoRequest` fault: the failure keeps the service's wording, and the
 * credentials in it are redacted.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { startBringFlowOnline } from '../../src/client';
import { MediaConnectSimulator } from '../../src/testing';
import { createDevServer } from '../support/temporal';
import { startWorkerProcess, workerEnvFor, type WorkerProcess } from '../support/worker-process';
import { outcomeOf, printFigures } from '../reliability/fleet';

const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAZZSECURITYTEST42',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETNEVERLOG',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSIONTOKENNEVERLOG0123456789',
};
const taskQueue = 'security-secrets';
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let proxy: Server;
let worker: WorkerProcess | undefined;
/** What the proxy saw of each signed request. */
const signed: { authorization?: string; securityToken?: string }[] = [];
/** The error bodies the proxy sent back with the signed request in them. */
const echoed: string[] = [];
/** Per `Echo...` flow name, how many of its StartFlow requests to answer with an echo (Infinity: all). */
const ECHOES: Record<string, { times: number; httpStatus: number; errorType: string; format: 'lines' | 'json' }> = {
  EchoForbidden: { times: Infinity, httpStatus: 403, errorType: 'ForbiddenException', format: 'lines' },
  EchoUnavailable: { times: 2, httpStatus: 503, errorType: 'ServiceUnavailableException', format: 'json' },
};

/** A misbehaving service's error message: the request it refused, signed headers and all. */
function echoMessage(req: IncomingMessage, format: 'lines' | 'json'): string {
  if (format === 'json')
    return `Upstream refused ${JSON.stringify({ method: req.method, url: req.url, headers: req.headers })}`;
  const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
  return `Request not authorized:\r\n${req.method} ${req.url}\r\n${headers.join('\r\n')}`;
}

/** Answers StartFlow of an `Echo...` flow with an error echoing the request, while its budget of echoes lasts. */
function answerWithEcho(req: IncomingMessage, res: ServerResponse): boolean {
  const name = Object.keys(ECHOES).find((flowName) => req.url?.includes(`%3A${flowName}`) && req.url.includes('start'));
  const echo = name === undefined ? undefined : ECHOES[name];
  if (!echo || echo.times <= 0) return false;
  echo.times -= 1;
  const body = JSON.stringify({ message: echoMessage(req, echo.format) });
  echoed.push(body);
  req.resume();
  res.writeHead(echo.httpStatus, {
    'content-type': 'application/json',
    'x-amzn-errortype': echo.errorType,
    'x-amzn-requestid': `echo-${echoed.length}`,
  });
  res.end(body);
  return true;
}

/** Forwards every request to the simulator (or echoes it, see ECHOES), recording its signature headers on the way. */
function startRecordingProxy(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    signed.push({
      authorization: req.headers.authorization,
      securityToken: req.headers['x-amz-security-token'] as string | undefined,
    });
    if (answerWithEcho(req, res)) return;
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // The simulator's own echoes (its echoRequest fault) are recorded like the proxy's.
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((answer.statusCode ?? 0) >= 400 && /x-amz-security-token/i.test(body)) echoed.push(body);
      });
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  [env, sim] = await Promise.all([createDevServer(), MediaConnectSimulator.start({ rateLimit: false })]);
  proxy = await startRecordingProxy(sim.endpoint);
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  worker = await startWorkerProcess({
    ...workerEnvFor(env.address, sim, taskQueue),
    AWS_ENDPOINT_URL_MEDIACONNECT: endpoint,
    ...CREDENTIALS,
    LOG_LEVEL: 'DEBUG',
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await env?.teardown();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await sim?.stop();
});

/** Every run's history as text twice over: as the client returns it, and with every payload's bytes decoded. */
async function historyTexts(handle: WorkflowHandle): Promise<string[]> {
  const { History } = temporal.api.history.v1;
  const history = await handle.fetchHistory();
  const decoded = JSON.stringify(
    History.toObject(History.fromObject(history), { longs: String, enums: String }),
    (_key, value: unknown) => {
      if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
      const buffer = value as { type?: string; data?: number[] } | null;
      return buffer?.type === 'Buffer' && Array.isArray(buffer.data)
        ? Buffer.from(buffer.data).toString('utf8')
        : value;
    },
  );
  return [JSON.stringify(history), decoded];
}

/** The credentials (and request signatures) found in `text`, by name. */
function leaks(text: string): string[] {
  const signatures = new Set(signed.flatMap((s) => /Signature=([0-9a-f]{64})/.exec(s.authorization ?? '')?.[1] ?? []));
  const secrets: Array<[string, string]> = [
    ...Object.entries(CREDENTIALS),
    ...[...signatures].map((signature): [string, string] => ['Signature', signature]),
  ];
  return [
    ...new Set(
      secrets
        .filter(([, secret]) => text.includes(secret) || text.includes(Buffer.from(secret).toString('base64')))
        .map(([name]) => name),
    ),
  ];
}

describe('credentials', () => {
  it('appear in no worker log line, failure or workflow history, though every request was signed with them', async () => {
    const success = sim.createFlow({ name: 'Success', startingDuration: 500 });
    const flowError = sim.createFlow({
      name: 'Broken',
      startingDuration: 500,
      outcome: 'ERROR',
      errorMessages: ['Source is not reachable'],
    });
    const throttled = sim.createFlow({ name: 'Throttled', startingDuration: 500 });
    sim.injectFault({ operation: 'StartFlow', flowArn: throttled, kind: 'throttle', retryAfterSeconds: 1, times: 2 });
    sim.injectFault({ operation: 'DescribeFlow', flowArn: throttled, kind: 'unavailable', times: 1 });
    const forbidden = sim.createFlow({ name: 'Forbidden' });
    sim.injectFault({
      operation: 'StartFlow',
      flowArn: forbidden,
      kind: 'forbidden',
      message: 'User is not authorized to perform: mediaconnect:StartFlow',
    });
    const unknown = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-0000000000000000-000000000000:Nowhere';
    const cases = { success, flowError, throttled, forbidden, unknown };

    const handles = await Promise.all(
      Object.values(cases).map((flowArn) =>
        startBringFlowOnline(env.client, { flowArn, pollInterval: '500ms' }, { taskQueue }),
      ),
    );
    const outcomes = await Promise.all(handles.map((handle) => outcomeOf(handle)));
    expect(outcomes).toEqual(['ACTIVE', 'FlowError', 'ACTIVE', 'ForbiddenException', 'NotFoundException']);
    // What callers see of a failure: message, type, details and stack, as text.
    const failures = await Promise.all(
      handles.map((handle) =>
        handle.result().then(
          () => '',
          (err: Error) => `${err.stack}\n${JSON.stringify(err.cause)}\n${(err.cause as Error | undefined)?.stack}`,
        ),
      ),
    );
    const histories = (await Promise.all(handles.map(historyTexts))).flat();
    const logs = worker!.output();

    // The test is not vacuous: the worker logged, and signed every request with these credentials.
    expect(logs).toContain('Worker running');
    expect(signed.length).toBeGreaterThan(0);
    expect(signed.every((s) => s.authorization?.includes(`Credential=${CREDENTIALS.AWS_ACCESS_KEY_ID}/`))).toBe(true);
    expect(signed.every((s) => s.securityToken === CREDENTIALS.AWS_SESSION_TOKEN)).toBe(true);
    // ...and the decoded histories really show payloads (the workflow input is only there once decoded).
    expect(histories.some((text) => text.includes('pollInterval'))).toBe(true);

    expect({ logs: leaks(logs), failures: leaks(failures.join('\n')), histories: leaks(histories.join('\n')) }).toEqual(
      { logs: [], failures: [], histories: [] },
    );

    printFigures('secrets', {
      workflowsRun: handles.length,
      outcomes,
      signedRequestsSeen: signed.length,
      workerLogBytes: logs.length,
      workerLogLines: logs.split('\n').length,
      historyBytesSearched: histories.join('').length,
      failureTextBytesSearched: failures.join('').length,
      leaks: 0,
    });
  }, 180_000);

  it('are redacted from the message of a service that echoes the signed request, in the failure, the log lines and the history', async () => {
    const forbidden = sim.createFlow({ name: 'EchoForbidden' });
    const unavailable = sim.createFlow({ name: 'EchoUnavailable', startingDuration: 500 });
    const badRequest = sim.createFlow({ name: 'SimulatorEcho' });
    sim.injectFault({
      kind: 'badRequest',
      operation: 'StartFlow',
      flowArn: badRequest,
      message: 'Simulated refusal.',
      echoRequest: true,
    });
    const logBefore = worker!.output().length;
    const handles = await Promise.all(
      [forbidden, unavailable, badRequest].map((flowArn) =>
        startBringFlowOnline(env.client, { flowArn, pollInterval: '500ms' }, { taskQueue }),
      ),
    );
    expect(await Promise.all(handles.map((handle) => outcomeOf(handle)))).toEqual([
      'ForbiddenException',
      'ACTIVE',
      'BadRequestException',
    ]);

    // The services really echoed the credentials: four answers (the proxy's 403 and two 503s, the simulator's 400), each holding the access key and the session token.
    expect(echoed).toHaveLength(4);
    for (const body of echoed)
      expect(leaks(body)).toEqual(expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'Signature']));

    const failure = await handles[0].result().then(
      () => undefined,
      (err: Error) => err.cause as Error | undefined,
    );
    // The service's wording is kept; what was secret in it is not.
    expect(failure?.message).toContain('Request not authorized:');
    expect(failure?.message).toMatch(/authorization: \[REDACTED\]/i);
    expect(failure?.message).toMatch(/x-amz-security-token: \[REDACTED\]/i);
    const simulatorFailure = await handles[2].result().then(
      () => undefined,
      (err: Error) => err.cause as Error | undefined,
    );
    expect(simulatorFailure?.message).toContain('Simulated refusal.');
    expect(simulatorFailure?.message).toMatch(/authorization: \[REDACTED\]/i);
    const failureText = [failure, simulatorFailure]
      .map((f) => `${f?.message}\n${JSON.stringify(f)}\n${f?.stack}`)
      .join('\n');
    const histories = (await Promise.all(handles.map(historyTexts))).flat();
    expect(histories.join('\n')).toContain('Request not authorized:');
    // The two 503s were logged by the worker as failed attempts, with the echo in them.
    const logs = worker!.output().slice(logBefore);
    expect(logs).toContain('Upstream refused');

    expect({ logs: leaks(logs), failure: leaks(failureText), histories: leaks(histories.join('\n')) }).toEqual({
      logs: [],
      failure: [],
      histories: [],
    });
    printFigures('secrets-echo', {
      echoedAnswers: echoed.length,
      echoedBytes: echoed.join('').length,
      workerLogBytesSearched: logs.length,
      historyBytesSearched: histories.join('').length,
      leaks: 0,
    });
  }, 180_000);
});
