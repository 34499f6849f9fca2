/** The HTTP edge: bounded request bodies, the request's region, and sending an answer. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from './defaults';
import type { Answer } from './answers';

/** What the simulator keeps of a request: enough to route it, tell its region, and echo it. */
export interface RequestInfo {
  method: string;
  url: URL;
  /** The request line as received, e.g. `POST /v1/flows HTTP/1.1`. */
  requestLine: string;
  /** Header names and values as received, in order. */
  rawHeaders: string[];
  /** The SigV4 credential scope's region, or the default region when unsigned. */
  region: string;
  body: string;
}

/** Returned by {@link readBoundedBody} when the body is over the limit. */
export const TOO_LARGE = Symbol('request body too large');

/**
 * Reads a request body of at most `limit` bytes. A larger one (declared by Content-Length or
 * found while reading) is not kept: the answer is {@link TOO_LARGE} as soon as it is known, and
 * the rest of the body is never buffered.
 */
export function readBoundedBody(req: IncomingMessage, limit = LIMITS.maxBodyBytes): Promise<string | typeof TOO_LARGE> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      chunks.length = 0;
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * After answering an oversized request: discard whatever of its body still arrives (so the
 * answer is not lost to a reset) and close the connection after a short while.
 */
export function drainAndClose(req: IncomingMessage): void {
  req.on('data', () => undefined);
  req.resume();
  setTimeout(() => req.socket.destroy(), LIMITS.oversizedDrainMs).unref();
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]*\/\d{8}\/([a-z0-9-]+)\/mediaconnect\/aws4_request/;

/** The region a request was signed for (`Credential=<key id>/<date>/<region>/mediaconnect/aws4_request`), if signed. */
export function signedRegion(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  return authorization === undefined ? undefined : CREDENTIAL_SCOPE.exec(authorization)?.[1];
}

export function requestInfo(req: IncomingMessage, defaultRegion: string, body: string): RequestInfo {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  return {
    method,
    url: new URL(target, 'http://simulator'),
    requestLine: `${method} ${target} HTTP/${req.httpVersion}`,
    rawHeaders: req.rawHeaders,
    region: signedRegion(req) ?? defaultRegion,
    body,
  };
}

/** The request line and every header, verbatim, one per line: what a misbehaving service echoes. */
export function echoOf(request: RequestInfo): string {
  const lines = [request.requestLine];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2)
    lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  return lines.join('\n');
}

export function send(res: ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body ?? {});
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...answer.headers,
  };
  if (answer.errorName !== undefined) headers['x-amzn-errortype'] = answer.errorName;
  res.writeHead(answer.httpStatus, headers);
  res.end(body);
}
