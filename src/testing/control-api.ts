/**
 * The simulator's HTTP control API under `/_simulator/`, for tests and demos in another process:
 * create and patch flows, script faults, read calls and stats, reset. It takes JSON bodies only
 * and refuses requests from any other web origin, so a web page cannot drive it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AwsErrorName } from '../common/failure-types';
import { errorAnswer, parseJson, SimulatorError, type Answer } from './answers';
import type { RequestInfo } from './http';
import type { CallFilter, SimulatedCall, SimulatedFault, SimulatedFlowOptions, SimulatorStats } from './types';

export const CONTROL_PREFIX = '/_simulator/';

/** What the control API drives: the simulator's own TypeScript API (`injectFault` answers how many faults are scripted). */
export interface ControlTarget {
  createFlow(options: SimulatedFlowOptions): string;
  updateFlow(flowArn: string, patch: Partial<SimulatedFlowOptions>): void;
  flowStatus(flowArn: string): string;
  listFlows(region?: string): { flowArn: string; name: string; region: string; status: string }[];
  injectFault(fault: SimulatedFault): number;
  clearFaults(): void;
  stats(): SimulatorStats;
  resetStats(): void;
  calls(filter?: CallFilter): SimulatedCall[];
  reset(): void;
}

/** The x-amzn-errortype of a control API error, by HTTP status. */
const ERROR_NAMES: Record<number, string> = {
  400: AwsErrorName.BadRequest,
  403: AwsErrorName.Forbidden,
  404: AwsErrorName.NotFound,
  413: 'PayloadTooLargeException',
  415: 'UnsupportedMediaTypeException',
};

export function controlError(httpStatus: number, message: string): Answer {
  return errorAnswer(httpStatus, ERROR_NAMES[httpStatus] ?? AwsErrorName.BadRequest, message);
}

/**
 * Why a control request is refused before its body is read, or undefined: a web page of another
 * origin (its browser sends `Origin`), or a body that is not JSON (which a page could send
 * cross-origin without a preflight).
 */
export function controlRefusal(headers: IncomingHttpHeaders, ownOrigin: string): Answer | undefined {
  const origin = headers.origin;
  if (origin !== undefined && origin !== ownOrigin) {
    return controlError(
      403,
      `The simulator's control API answers its own origin only (${ownOrigin}), not ${JSON.stringify(origin.slice(0, 200))}.`,
    );
  }
  const hasBody =
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  const mediaType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && mediaType !== 'application/json') {
    return controlError(
      415,
      `The simulator's control API takes JSON bodies only: send Content-Type: application/json, not ${JSON.stringify(mediaType.slice(0, 100))}.`,
    );
  }
  return undefined;
}

/** Answers one control request. */
export function answerControl(target: ControlTarget, request: RequestInfo): Answer {
  const { method, url } = request;
  const path = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  try {
    const body = method === 'GET' || method === 'DELETE' ? {} : parseJson(request.body);
    const answer = flowRoutes(target, method, path, url, body) ?? recordRoutes(target, method, path, url, body);
    return answer ?? controlError(404, `The simulator's control API has no ${method} ${url.pathname}`);
  } catch (err) {
    return controlError(
      err instanceof SimulatorError ? err.httpStatus : 400,
      err instanceof Error ? err.message : String(err),
    );
  }
}

function flowRoutes(target: ControlTarget, method: string, path: string, url: URL, body: unknown): Answer | undefined {
  if (method === 'POST' && path === 'flows')
    return { httpStatus: 201, body: { flowArn: target.createFlow(body as SimulatedFlowOptions) } };
  if (method === 'GET' && path === 'flows')
    return { httpStatus: 200, body: { flows: target.listFlows(url.searchParams.get('region') ?? undefined) } };
  const flowPath = /^flows\/([^/]+)$/.exec(path);
  if (flowPath !== null && (method === 'PATCH' || method === 'GET')) {
    const flowArn = decodeURIComponent(flowPath[1]);
    if (method === 'PATCH') target.updateFlow(flowArn, body as Partial<SimulatedFlowOptions>);
    return { httpStatus: 200, body: { flowArn, status: target.flowStatus(flowArn) } };
  }
  return undefined;
}

function recordRoutes(
  target: ControlTarget,
  method: string,
  path: string,
  url: URL,
  body: unknown,
): Answer | undefined {
  const ok = { httpStatus: 200, body: {} };
  const route = `${method} ${path}`;
  switch (route) {
    case 'POST faults':
      return { httpStatus: 201, body: { faults: target.injectFault(body as SimulatedFault) } };
    case 'DELETE faults':
      target.clearFaults();
      return ok;
    case 'GET stats':
      return { httpStatus: 200, body: target.stats() };
    case 'DELETE stats':
      target.resetStats();
      return ok;
    case 'GET calls': {
      const param = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
      return {
        httpStatus: 200,
        body: {
          calls: target.calls({ operation: param('operation'), flowArn: param('flowArn'), region: param('region') }),
        },
      };
    }
    case 'POST reset':
      target.reset();
      return ok;
    default:
      return undefined;
  }
}
