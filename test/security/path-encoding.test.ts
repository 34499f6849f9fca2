/**
 * No input can reach another MediaConnect API path: a flow ARN travels as exactly one
 * percent-encoded path segment, and anything that could leave that segment (`/`, `?`, `#`, an
 * encoded slash, a `..` flow id) is refused as InvalidFlowArn before any request is sent.
 * A raw HTTP server stands in for MediaConnect and records every request line as it arrives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../../src/activities';
import { mediaConnectClientFor } from '../support/aws';

const PREFIX = 'arn:aws:mediaconnect:us-east-1:111122223333:flow';
/** Well-formed ARNs using every character the ARN check allows beyond letters and digits. */
const SPECIAL_BUT_VALID = [
  `${PREFIX}:1-23aBC45dEF67hiJ8-12AbC34DE5fG:Awards.Show_2025-live`,
  `${PREFIX}:1-abc-def:.`,
  `${PREFIX}:1-abc-def:..`,
  `${PREFIX}:1-abc-def:...`,
  `${PREFIX}:---:_`,
  `${PREFIX}:1-abc-def:-..-`,
  `${PREFIX}:1-abc-def:index.json`,
];
/** ARNs that would escape the path segment if they were sent. */
const PATH_ESCAPES = [
  ['a slash', `${PREFIX}:1-abc-def:x/../../stop`],
  ['a slash in the id', `${PREFIX}:1-abc/def:Show`],
  ['a query string', `${PREFIX}:1-abc-def:Show?maxResults=1000`],
  ['a fragment', `${PREFIX}:1-abc-def:Show#top`],
  ['a percent-encoded slash', `${PREFIX}:1-abc-def:a%2Fb`],
  ['a percent-encoded dot segment', `${PREFIX}:1-abc-def:%2E%2E`],
  ['a .. flow id', `${PREFIX}:..:Show`],
  ['a ..%2F.. flow id', `${PREFIX}:..%2F..:Show`],
  ['a backslash', `${PREFIX}:1-abc-def:a\\..\\b`],
] as const;

let server: Server;
let requests: { method?: string; url?: string }[] = [];
const figures = { validArnsSent: 0, requestsChecked: 0, escapesRefused: 0 };
let activities: ReturnType<typeof createActivities>;

/** Answers like MediaConnect would, echoing the ARN decoded from the path. */
function answer(method: string, url: string): { status: number; body: unknown } {
  const [, kind, encoded] = /^\/v1\/flows\/(?:(start|stop)\/)?([^/?#]+)$/.exec(url) ?? [];
  const flowArn = encoded ? decodeURIComponent(encoded) : undefined;
  if (method === 'POST' && kind === 'start') return { status: 202, body: { flowArn, status: 'STARTING' } };
  if (method === 'POST' && kind === 'stop') return { status: 202, body: { flowArn, status: 'STOPPING' } };
  if (method === 'GET' && !kind && flowArn)
    return { status: 200, body: { flow: { flowArn, name: flowArn.split(':')[7], status: 'ACTIVE' } } };
  return { status: 404, body: { message: `no route ${method} ${url}` } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url });
    req.resume();
    req.on('end', () => {
      const { status, body } = answer(req.method ?? '', req.url ?? '');
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 404 && { 'x-amzn-errortype': 'NotFoundException' }),
      });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  activities = createActivities({ client: mediaConnectClientFor(endpoint) });
});

afterAll(async () => {
  process.stdout.write(`\n[path-encoding] ${JSON.stringify(figures)}\n`);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => (requests = []));

describe('the flow ARN in the request path', () => {
  it.each(SPECIAL_BUT_VALID)(
    '%s travels as one encoded path segment of StartFlow, DescribeFlow and StopFlow',
    async (flowArn) => {
      const segment = encodeURIComponent(flowArn);
      expect(await activities.startFlow({ flowArn })).toMatchObject({ flowArn, status: 'STARTING' });
      expect(await activities.describeFlow({ flowArn })).toMatchObject({ flowArn, status: 'ACTIVE' });
      expect(await activities.stopFlow({ flowArn })).toMatchObject({ flowArn, status: 'STOPPING' });
      expect(requests).toEqual([
        { method: 'POST', url: `/v1/flows/start/${segment}` },
        { method: 'GET', url: `/v1/flows/${segment}` },
        { method: 'POST', url: `/v1/flows/stop/${segment}` },
      ]);
      // No dot segment a server or proxy could resolve, and the ARN's colons stay encoded.
      for (const { url } of requests) {
        expect(url!.split('/').filter((part) => part === '.' || part === '..')).toEqual([]);
        expect(url).not.toMatch(/[?#]/);
      }
      figures.validArnsSent += 1;
      figures.requestsChecked += requests.length;
    },
  );

  it.each(PATH_ESCAPES)('an ARN with %s is refused as InvalidFlowArn before any request', async (_label, flowArn) => {
    for (const activity of [activities.startFlow, activities.describeFlow, activities.stopFlow]) {
      const thrown = await activity({ flowArn }).catch((err: { type?: string }) => err);
      expect(thrown).toMatchObject({ type: 'InvalidFlowArn', nonRetryable: true });
    }
    expect(requests).toEqual([]);
    figures.escapesRefused += 1;
  });
});
