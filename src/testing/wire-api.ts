/**
 * MediaConnect's REST-JSON operations as the simulator answers them, one handler per operation.
 * Each runs in the request's region: a flow whose ARN names another region does not exist there.
 */
import { flowArnProblem } from '../common/arn';
import { AwsErrorName } from '../common/failure-types';
import { FlowStatus, isStartedStatus } from '../common/flow-status';
import { SimulatedAccount } from './account';
import { answering, badRequest, notFound, parseJson, SimulatorError, type Answer } from './answers';
import { DEFAULTS } from './defaults';
import { enter, type FlowRecord } from './flow-clock';
import type { SimulatedOperation } from './types';

/** The routes of MediaConnect's API that the simulator implements; `{flowArn}` is captured raw. */
const ROUTES: { method: string; path: RegExp; operation: SimulatedOperation }[] = [
  { method: 'POST', path: /^\/v1\/flows\/?$/, operation: 'CreateFlow' },
  { method: 'GET', path: /^\/v1\/flows\/?$/, operation: 'ListFlows' },
  { method: 'POST', path: /^\/v1\/flows\/start\/([^/]+)$/, operation: 'StartFlow' },
  { method: 'POST', path: /^\/v1\/flows\/stop\/([^/]+)$/, operation: 'StopFlow' },
  { method: 'GET', path: /^\/v1\/flows\/([^/]+)$/, operation: 'DescribeFlow' },
  { method: 'DELETE', path: /^\/v1\/flows\/([^/]+)$/, operation: 'DeleteFlow' },
];

/** A request matched to an operation. */
export interface WireCall {
  operation: SimulatedOperation;
  /** The ARN in the path, decoded once. */
  flowArn?: string;
  region: string;
  url: URL;
  body: string;
}

/** The operation a method and path name, or undefined for a route MediaConnect does not have. */
export function route(method: string, url: URL): { operation: SimulatedOperation; flowArn?: string } | undefined {
  for (const candidate of ROUTES) {
    const match = method === candidate.method ? candidate.path.exec(url.pathname) : null;
    if (match === null) continue;
    return { operation: candidate.operation, flowArn: match[1] === undefined ? undefined : decodeOnce(match[1]) };
  }
  return undefined;
}

function decodeOnce(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Statuses from which StartFlow / StopFlow / DeleteFlow are accepted. */
const STARTABLE: ReadonlySet<FlowStatus> = new Set([FlowStatus.STANDBY, FlowStatus.ERROR]);
const STOPPABLE: ReadonlySet<FlowStatus> = new Set([
  FlowStatus.STARTING,
  FlowStatus.ACTIVE,
  FlowStatus.UPDATING,
  FlowStatus.ERROR,
]);
const DELETABLE: ReadonlySet<FlowStatus> = new Set([FlowStatus.STANDBY, FlowStatus.ERROR]);

/** Runs one MediaConnect operation and returns its answer, error answers included. */
export function applyOperation(account: SimulatedAccount, call: WireCall): Answer {
  return answering(() => {
    switch (call.operation) {
      case 'CreateFlow':
        return createFlow(account, call);
      case 'ListFlows':
        return listFlows(account, call);
      case 'DescribeFlow':
        return describeFlow(account, call);
      case 'StartFlow':
        return startFlow(account, call);
      case 'StopFlow':
        return transition(existingFlow(account, call), STOPPABLE, FlowStatus.STOPPING, 'stop');
      case 'DeleteFlow':
        return transition(existingFlow(account, call), DELETABLE, FlowStatus.DELETING, 'delete');
    }
  });
}

function createFlow(account: SimulatedAccount, call: WireCall): Answer {
  const body = parseJson(call.body) as { name?: unknown };
  if (typeof body !== 'object' || body === null || typeof body.name !== 'string' || body.name.length === 0) {
    throw badRequest('name is required.');
  }
  let arn: string;
  try {
    arn = account.createFlow({ name: body.name, region: call.region });
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
  return { httpStatus: 201, body: { flow: describe(account, account.existing(arn)) } };
}

function listFlows(account: SimulatedAccount, call: WireCall): Answer {
  const rawMax = call.url.searchParams.get('maxResults');
  let pageSize: number = DEFAULTS.listPageSize;
  if (rawMax !== null) {
    pageSize = Number(rawMax);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > DEFAULTS.maxListPageSize) {
      throw badRequest(`maxResults must be a whole number from 1 to ${DEFAULTS.maxListPageSize}, got ${rawMax}.`);
    }
  }
  const token = call.url.searchParams.get('nextToken');
  let afterSeq = 0;
  if (token !== null) {
    const decoded = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (decoded === null) throw badRequest('nextToken is not a token this service issued.');
    afterSeq = Number(decoded[1]);
  }
  const page = account.flows.page(call.region, afterSeq, pageSize);
  const body: { flows: unknown[]; nextToken?: string } = {
    flows: page.flows.map((flow) => ({
      availabilityZone: `${flow.region}a`,
      description: description(flow),
      flowArn: flow.arn,
      name: flow.name,
      sourceType: 'OWNED',
      status: flow.status,
    })),
  };
  if (page.more) body.nextToken = Buffer.from(`after:${page.flows[page.flows.length - 1].seq}`).toString('base64url');
  return { httpStatus: 200, body };
}

function describeFlow(account: SimulatedAccount, call: WireCall): Answer {
  const flow = existingFlow(account, call);
  if (flow.status === FlowStatus.STARTING) {
    flow.describesWhileStarting += 1;
    account.flows.get(flow.arn); // this call may be the one that ends STARTING
  }
  const body: { flow: unknown; messages?: { errors: string[] } } = { flow: describe(account, flow) };
  if (flow.status === FlowStatus.ERROR) body.messages = { errors: [...flow.errorMessages] };
  return { httpStatus: 200, body };
}

/** StartFlow: 202 from STANDBY or ERROR; for a flow already started, 400 or 409 as the flow or simulator is set to answer. */
function startFlow(account: SimulatedAccount, call: WireCall): Answer {
  const flow = existingFlow(account, call);
  const answer = flow.alreadyStartedAnswer ?? account.alreadyStartedAnswer;
  if (isStartedStatus(flow.status) && answer === 'Conflict') {
    throw new SimulatorError(
      409,
      AwsErrorName.Conflict,
      `Flow ${flow.arn} is already ${flow.status}; it cannot be started again until it is stopped.`,
    );
  }
  return transition(flow, STARTABLE, FlowStatus.STARTING, 'start');
}

/** StartFlow, StopFlow and DeleteFlow: 202 `{flowArn, status}` from an allowed status, else 400. */
function transition(flow: FlowRecord, allowed: ReadonlySet<FlowStatus>, next: FlowStatus, verb: string): Answer {
  if (!allowed.has(flow.status)) {
    throw badRequest(
      `Cannot ${verb} flow ${flow.arn}: its status is ${flow.status}; it must be ${[...allowed].join(' or ')}.`,
    );
  }
  enter(flow, next);
  return { httpStatus: 202, body: { flowArn: flow.arn, status: next } };
}

/** Validates the ARN from the path and returns the flow it names in the request's region, or throws the service's error. */
function existingFlow(account: SimulatedAccount, call: WireCall): FlowRecord {
  const flowArn = call.flowArn ?? '';
  const problem = flowArnProblem(flowArn);
  if (problem !== undefined) throw badRequest(`Invalid flow ARN: ${problem}.`);
  // The regional endpoint of another region has no such flow.
  const flow = SimulatedAccount.regionOf(flowArn) === call.region ? account.flows.get(flowArn) : undefined;
  if (flow === undefined) throw notFound(flowArn);
  return flow;
}

function describe(account: SimulatedAccount, flow: FlowRecord): Record<string, unknown> {
  const sourceName = `${flow.name}-source`;
  const [, partition, , region, , , flowId] = flow.arn.split(':');
  return {
    availabilityZone: `${flow.region}a`,
    description: description(flow),
    entitlements: [],
    flowArn: flow.arn,
    name: flow.name,
    outputs: [],
    source: {
      ingestPort: 5000,
      name: sourceName,
      sourceArn: `arn:${partition}:mediaconnect:${region}:${account.accountId}:source:${flowId}:${sourceName}`,
      transport: { protocol: 'srt-listener', maxBitrate: 10_000_000 },
      whitelistCidr: '0.0.0.0/0',
    },
    status: flow.status,
  };
}

function description(flow: FlowRecord): string {
  return `Simulated flow ${flow.name}`;
}
