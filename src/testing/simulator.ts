/**
 * A MediaConnect simulator: an HTTP server that speaks the REST-JSON wire format of AWS Elemental
 * MediaConnect as `@aws-sdk/client-mediaconnect` expects it, for the operations this package
 * calls. Unlike moto it can show a STARTING phase while you poll, flows that end in ERROR with
 * messages, throttling (scripted and an account-wide token bucket), 5xx answers, slow answers
 * and dropped connections, and it records every call so tests and benchmarks can count them.
 *
 * Not a MediaConnect implementation: flows have no sources or outputs worth the name, and the
 * statuses move on a clock the test sets. SigV4 signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { flowArnProblem } from '../common/arn';
import { AwsErrorName } from '../common/failure-types';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import { seededRandom } from './seeded-random';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** The account-wide request budget, a token bucket shared by every MediaConnect operation. */
export interface RateLimit {
  /** Tokens added per second, i.e. the steady request rate. Must be > 0. */
  requestsPerSecond: number;
  /** The bucket's size: how many requests may arrive at once after a quiet spell. Must be >= 1. */
  burst: number;
}

/** How to run a {@link MediaConnectSimulator}. Every field is optional. */
export interface SimulatorOptions {
  /** Interface to listen on. Keep it on loopback. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Region written into flow ARNs and reported as {@link MediaConnectSimulator.region}. @default 'us-east-1' */
  region?: string;
  /** 12-digit account id written into flow ARNs. @default '111122223333' */
  accountId?: string;
  /**
   * Account-wide token bucket over all MediaConnect operations (not the control API), like
   * MediaConnect's quota. A request over budget gets 429 TooManyRequestsException without
   * Retry-After and is not applied. `false` disables it.
   * @default { requestsPerSecond: 5, burst: 30 }
   */
  rateLimit?: RateLimit | false;
  /** Seed of the pseudo-random generator behind fault probabilities and flow ids, so runs repeat. @default 1 */
  seed?: number;
  /** Milliseconds a flow stays STARTING after StartFlow, unless the flow sets its own. @default 3000 */
  defaultStartingDuration?: number;
  /** Milliseconds a flow stays STOPPING after StopFlow, unless the flow sets its own. @default 1000 */
  defaultStoppingDuration?: number;
  /** Milliseconds a flow stays DELETING after DeleteFlow before it is gone. @default 500 */
  deletingDuration?: number;
}

/** How one simulated flow behaves. Set at creation, changeable with `updateFlow`. */
export interface SimulatedFlowOptions {
  /** The flow's name, the last part of its ARN: letters, digits, `.`, `_` and `-`, at most 128. */
  name: string;
  /**
   * Status the flow is in now. STARTING and STOPPING run their clock from the moment it is set;
   * UPDATING stays until changed.
   * @default 'STANDBY'
   */
  status?: FlowStatus;
  /** Milliseconds the flow stays STARTING after a start. @default SimulatorOptions.defaultStartingDuration (3000) */
  startingDuration?: number;
  /** Milliseconds the flow stays STOPPING after a stop. @default SimulatorOptions.defaultStoppingDuration (1000) */
  stoppingDuration?: number;
  /**
   * Make STARTING last for this many DescribeFlow calls after the start instead of a time: the
   * call that makes it `startingDescribes + 1` sees the outcome. Deterministic under Temporal's
   * time-skipping test server, where timers fire at once but HTTP takes real time.
   * @default undefined (STARTING lasts `startingDuration`)
   */
  startingDescribes?: number;
  /** What STARTING turns into. @default 'ACTIVE' */
  outcome?: 'ACTIVE' | 'ERROR';
  /**
   * What DescribeFlow reports in `messages.errors` while the flow is in ERROR.
   * @default ['Simulated failure: the flow could not start.']
   */
  errorMessages?: string[];
}

/** The MediaConnect operations the simulator answers. */
export type SimulatedOperation = 'CreateFlow' | 'DescribeFlow' | 'ListFlows' | 'StartFlow' | 'StopFlow' | 'DeleteFlow';

/** What a scripted fault does to a call. */
export type SimulatedFaultKind =
  /** 429 TooManyRequestsException, with `Retry-After` when `retryAfterSeconds` is set. Not applied. */
  | 'throttle'
  /** 500 InternalServerErrorException. Not applied. */
  | 'internal'
  /** 503 ServiceUnavailableException. Not applied. */
  | 'unavailable'
  /** 400 BadRequestException. Not applied. */
  | 'badRequest'
  /** 403 ForbiddenException. Not applied. */
  | 'forbidden'
  /** 404 NotFoundException. Not applied. */
  | 'notFound'
  /** The real answer, after the operation is applied, sent `delayMs` late. */
  | 'slow'
  /** The socket is destroyed without an answer; the operation is applied only if `applied`. */
  | 'drop';

/** A fault to inject into matching calls. See {@link MediaConnectSimulator.injectFault}. */
export interface SimulatedFault {
  /** What happens to a matching call. */
  kind: SimulatedFaultKind;
  /** Which operation it hits; `'*'` hits all of them. @default '*' */
  operation?: SimulatedOperation | '*';
  /** Only calls about this flow ARN match. @default every flow (and calls with no flow) */
  flowArn?: string;
  /**
   * How many times the fault fires before it is used up; `Infinity` for ever. Over the HTTP
   * control API, send `"Infinity"` or `null` for ever.
   * @default 1, or Infinity when `probability` is set
   */
  times?: number;
  /** Chance (0..1) that a matching call is hit, drawn from the seeded generator. @default 1 */
  probability?: number;
  /** `throttle` only: seconds sent in the `Retry-After` header. @default no header */
  retryAfterSeconds?: number;
  /** `slow` only (required there): milliseconds the answer is held back. */
  delayMs?: number;
  /** `drop` only: apply the operation before dropping the connection, as a lost answer would. @default false */
  applied?: boolean;
  /** Error kinds only: the `message` of the error body. @default a message naming the fault */
  message?: string;
}

/** One call the simulator received on its MediaConnect API. */
export interface SimulatedCall {
  /** The operation, or `'UnknownOperation'` for a route MediaConnect does not have. */
  operation: SimulatedOperation | 'UnknownOperation';
  /** The flow ARN from the path or the created flow, when the call is about one flow. */
  flowArn?: string;
  /** HTTP status answered; absent when the connection was dropped without an answer. */
  httpStatus?: number;
  /** The `x-amzn-errortype` answered, for errors. */
  errorName?: string;
  /** When the request arrived, milliseconds since the epoch. */
  at: number;
  /** The scripted fault that hit the call, or `'rateLimit'` when the token bucket refused it. */
  fault?: SimulatedFaultKind | 'rateLimit';
}

/** Counts over the calls recorded since the last `resetStats()`. */
export interface SimulatorStats {
  /** Every MediaConnect call received, answered or not. */
  total: number;
  /** Calls per operation name. */
  byOperation: Record<string, number>;
  /** Answered calls per HTTP status (as a string key, e.g. `"202"`). */
  byHttpStatus: Record<string, number>;
  /** Calls answered 429, whether by a `throttle` fault or by the token bucket. */
  throttled: number;
  /** Of those, the ones the token bucket refused. */
  rateLimited: number;
  /** Calls whose connection was dropped without an answer. */
  dropped: number;
}

/** Filter for {@link MediaConnectSimulator.calls}. */
export interface CallFilter {
  /** Only calls of this operation. */
  operation?: string;
  /** Only calls about this flow ARN. */
  flowArn?: string;
}

// ---------------------------------------------------------------------------------------------
// Defaults and tables
// ---------------------------------------------------------------------------------------------

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  region: 'us-east-1',
  accountId: '111122223333',
  rateLimit: { requestsPerSecond: 5, burst: 30 } as RateLimit,
  seed: 1,
  defaultStartingDuration: 3000,
  defaultStoppingDuration: 1000,
  deletingDuration: 500,
  errorMessages: ['Simulated failure: the flow could not start.'],
  listPageSize: 10,
  maxListPageSize: 1000,
};

const OPERATIONS: ReadonlySet<string> = new Set<SimulatedOperation>([
  'CreateFlow', 'DescribeFlow', 'ListFlows', 'StartFlow', 'StopFlow', 'DeleteFlow',
]);

/** The error each error-answering fault kind sends. */
const FAULT_ERRORS: Record<Exclude<SimulatedFaultKind, 'slow' | 'drop'>, { httpStatus: number; errorName: string; message: string }> = {
  throttle: { httpStatus: 429, errorName: AwsErrorName.TooManyRequests, message: 'Too many requests (simulated throttle).' },
  internal: { httpStatus: 500, errorName: AwsErrorName.InternalServerError, message: 'Internal server error (simulated).' },
  unavailable: { httpStatus: 503, errorName: AwsErrorName.ServiceUnavailable, message: 'Service unavailable (simulated).' },
  badRequest: { httpStatus: 400, errorName: AwsErrorName.BadRequest, message: 'Bad request (simulated).' },
  forbidden: { httpStatus: 403, errorName: AwsErrorName.Forbidden, message: 'Forbidden (simulated).' },
  notFound: { httpStatus: 404, errorName: AwsErrorName.NotFound, message: 'Not found (simulated).' },
};
const FAULT_KINDS: ReadonlySet<string> = new Set([...Object.keys(FAULT_ERRORS), 'slow', 'drop']);

/** Statuses from which StartFlow / StopFlow / DeleteFlow are accepted. */
const STARTABLE: ReadonlySet<FlowStatus> = new Set([FlowStatus.STANDBY, FlowStatus.ERROR]);
const STOPPABLE: ReadonlySet<FlowStatus> = new Set([FlowStatus.STARTING, FlowStatus.ACTIVE, FlowStatus.UPDATING, FlowStatus.ERROR]);
const DELETABLE: ReadonlySet<FlowStatus> = new Set([FlowStatus.STANDBY, FlowStatus.ERROR]);

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

interface FlowRecord {
  arn: string;
  name: string;
  /** Creation order, used as the ListFlows paging key. */
  seq: number;
  status: FlowStatus;
  /** When `status` was entered (ms epoch): the clock of STARTING, STOPPING and DELETING. */
  since: number;
  startingDuration: number;
  /** When set, STARTING ends after this many DescribeFlow calls instead of `startingDuration`. */
  startingDescribes?: number;
  /** DescribeFlow calls seen since STARTING was entered. */
  describesWhileStarting: number;
  stoppingDuration: number;
  outcome: 'ACTIVE' | 'ERROR';
  errorMessages: string[];
}

interface ActiveFault extends Required<Pick<SimulatedFault, 'kind' | 'operation' | 'probability' | 'applied'>> {
  flowArn?: string;
  remaining: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  message?: string;
}

/** What an operation answers. */
interface Answer {
  httpStatus: number;
  body: unknown;
  errorName?: string;
  headers?: Record<string, string>;
}

class SimulatorError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function requireDuration(field: string, value: unknown): void {
  if (value !== undefined && !isNonNegativeNumber(value)) {
    throw new TypeError(`${field} must be a finite number of milliseconds >= 0, got ${String(value)}`);
  }
}

function validateFlowPatch(patch: Partial<SimulatedFlowOptions>): void {
  if (patch.status !== undefined && !isFlowStatus(patch.status)) {
    throw new TypeError(`status must be one of ${Object.values(FlowStatus).join(', ')}, got ${String(patch.status)}`);
  }
  requireDuration('startingDuration', patch.startingDuration);
  requireDuration('stoppingDuration', patch.stoppingDuration);
  if (patch.startingDescribes !== undefined && !(Number.isInteger(patch.startingDescribes) && patch.startingDescribes >= 0)) {
    throw new TypeError(`startingDescribes must be an integer >= 0, got ${String(patch.startingDescribes)}`);
  }
  if (patch.outcome !== undefined && patch.outcome !== 'ACTIVE' && patch.outcome !== 'ERROR') {
    throw new TypeError(`outcome must be 'ACTIVE' or 'ERROR', got ${String(patch.outcome)}`);
  }
  if (patch.errorMessages !== undefined && (!Array.isArray(patch.errorMessages) || !patch.errorMessages.every((m) => typeof m === 'string'))) {
    throw new TypeError('errorMessages must be an array of strings');
  }
}

function normaliseFault(fault: SimulatedFault): ActiveFault {
  if (fault === null || typeof fault !== 'object') throw new TypeError('a fault must be an object');
  if (!FAULT_KINDS.has(fault.kind)) {
    throw new TypeError(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}, got ${String(fault.kind)}`);
  }
  const operation = fault.operation ?? '*';
  if (operation !== '*' && !OPERATIONS.has(operation)) {
    throw new TypeError(`fault operation must be '*' or one of ${[...OPERATIONS].join(', ')}, got ${String(operation)}`);
  }
  if (fault.probability !== undefined && !(isNonNegativeNumber(fault.probability) && fault.probability <= 1)) {
    throw new TypeError(`fault probability must be between 0 and 1, got ${String(fault.probability)}`);
  }
  // JSON cannot carry Infinity: the control API sends "Infinity" or null.
  const rawTimes: unknown = fault.times;
  const times =
    rawTimes === 'Infinity' || rawTimes === null ? Infinity : rawTimes === undefined ? (fault.probability === undefined ? 1 : Infinity) : rawTimes;
  if (typeof times !== 'number' || !(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new TypeError(`fault times must be a whole number >= 1 or Infinity, got ${String(rawTimes)}`);
  }
  if (fault.kind === 'slow' && !isNonNegativeNumber(fault.delayMs)) {
    throw new TypeError(`a 'slow' fault needs delayMs, a number of milliseconds >= 0, got ${String(fault.delayMs)}`);
  }
  if (fault.retryAfterSeconds !== undefined && (fault.kind !== 'throttle' || !isNonNegativeNumber(fault.retryAfterSeconds))) {
    throw new TypeError('retryAfterSeconds applies to throttle faults only and must be a number of seconds >= 0');
  }
  return {
    kind: fault.kind,
    operation,
    flowArn: fault.flowArn,
    probability: fault.probability ?? 1,
    applied: fault.applied ?? false,
    remaining: times,
    retryAfterSeconds: fault.retryAfterSeconds,
    delayMs: fault.delayMs,
    message: fault.message,
  };
}

function validateOptions(options: SimulatorOptions): void {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new TypeError(`port must be a whole number from 0 to 65535, got ${String(options.port)}`);
  }
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(options.region)) {
    throw new TypeError(`region must be an AWS region name such as us-east-1, got ${String(options.region)}`);
  }
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new TypeError(`accountId must be 12 digits, got ${String(options.accountId)}`);
  }
  if (options.rateLimit) {
    const { requestsPerSecond, burst } = options.rateLimit;
    if (!(isNonNegativeNumber(requestsPerSecond) && requestsPerSecond > 0)) {
      throw new TypeError(`rateLimit.requestsPerSecond must be a number > 0, got ${String(requestsPerSecond)}`);
    }
    if (!(isNonNegativeNumber(burst) && burst >= 1)) throw new TypeError(`rateLimit.burst must be a number >= 1, got ${String(burst)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`seed must be an integer, got ${String(options.seed)}`);
  requireDuration('defaultStartingDuration', options.defaultStartingDuration);
  requireDuration('defaultStoppingDuration', options.defaultStoppingDuration);
  requireDuration('deletingDuration', options.deletingDuration);
}

function notFound(flowArn: string): SimulatorError {
  return new SimulatorError(404, AwsErrorName.NotFound, `Flow not found: ${flowArn}`);
}

function badRequest(message: string): SimulatorError {
  return new SimulatorError(400, AwsErrorName.BadRequest, message);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}

/** The routes of MediaConnect's API that the simulator implements; `{flowArn}` is captured raw. */
const ROUTES: { method: string; path: RegExp; operation: SimulatedOperation }[] = [
  { method: 'POST', path: /^\/v1\/flows\/?$/, operation: 'CreateFlow' },
  { method: 'GET', path: /^\/v1\/flows\/?$/, operation: 'ListFlows' },
  { method: 'POST', path: /^\/v1\/flows\/start\/([^/]+)$/, operation: 'StartFlow' },
  { method: 'POST', path: /^\/v1\/flows\/stop\/([^/]+)$/, operation: 'StopFlow' },
  { method: 'GET', path: /^\/v1\/flows\/([^/]+)$/, operation: 'DescribeFlow' },
  { method: 'DELETE', path: /^\/v1\/flows\/([^/]+)$/, operation: 'DeleteFlow' },
];

const CONTROL_PREFIX = '/_simulator/';

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

/**
 * An in-process MediaConnect simulator on a local HTTP port. Start it with
 * {@link MediaConnectSimulator.start}, point a `MediaConnectClient` at {@link endpoint} with any
 * static credentials, and stop it with {@link stop} in `afterAll`.
 *
 * @example
 * const sim = await MediaConnectSimulator.start({ rateLimit: false });
 * const flowArn = sim.createFlow({ name: 'AwardsShow', startingDuration: 200 });
 * const client = new MediaConnectClient({ endpoint: sim.endpoint, region: sim.region, credentials });
 */
export class MediaConnectSimulator {
  /** Base URL of the server, e.g. `http://127.0.0.1:54321`. */
  readonly endpoint: string;
  /** Region in the flow ARNs; give it to the client too. */
  readonly region: string;

  private readonly accountId: string;
  private readonly rateLimit: RateLimit | false;
  private readonly seed: number;
  private readonly defaultStartingDuration: number;
  private readonly defaultStoppingDuration: number;
  private readonly deletingDuration: number;

  private random: () => number;
  private flows = new Map<string, FlowRecord>();
  private nextSeq = 1;
  private faults: ActiveFault[] = [];
  private recorded: SimulatedCall[] = [];
  private counters: SimulatorStats = MediaConnectSimulator.emptyStats();
  private tokens = 0;
  private tokensAt = 0;
  private readonly sockets = new Set<Socket>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(
    private readonly server: Server,
    options: SimulatorOptions,
    endpoint: string,
  ) {
    this.endpoint = endpoint;
    this.region = options.region ?? DEFAULTS.region;
    this.accountId = options.accountId ?? DEFAULTS.accountId;
    this.rateLimit = options.rateLimit === undefined ? DEFAULTS.rateLimit : options.rateLimit;
    this.seed = options.seed ?? DEFAULTS.seed;
    this.random = seededRandom(this.seed);
    this.defaultStartingDuration = options.defaultStartingDuration ?? DEFAULTS.defaultStartingDuration;
    this.defaultStoppingDuration = options.defaultStoppingDuration ?? DEFAULTS.defaultStoppingDuration;
    this.deletingDuration = options.deletingDuration ?? DEFAULTS.deletingDuration;
    this.refillBucket();
  }

  /**
   * Starts a simulator listening on `options.host:options.port` (a free port by default).
   * @throws TypeError naming the option when an option is invalid.
   */
  static async start(options: SimulatorOptions = {}): Promise<MediaConnectSimulator> {
    validateOptions(options);
    const server = createServer();
    const host = options.host ?? DEFAULTS.host;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULTS.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const simulator = new MediaConnectSimulator(server, options, `http://${urlHost}:${port}`);
    server.on('connection', (socket: Socket) => {
      simulator.sockets.add(socket);
      socket.once('close', () => simulator.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      simulator.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          simulator.send(res, { httpStatus: 500, errorName: AwsErrorName.InternalServerError, body: { message: `Simulator bug: ${String(err)}` } });
        }
      });
    });
    return simulator;
  }

  // ----- flows -----

  /**
   * Creates a flow directly (no HTTP call, nothing recorded, no rate limit) and returns its ARN.
   * @throws TypeError when the name cannot be part of a flow ARN or an option is invalid.
   */
  createFlow(options: SimulatedFlowOptions): string {
    if (options === null || typeof options !== 'object') throw new TypeError('flow options must be an object with a name');
    validateFlowPatch(options);
    const name: unknown = options.name;
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name is required: a non-empty string');
    const arn = `arn:aws:mediaconnect:${this.region}:${this.accountId}:flow:1-${this.randomId(16)}-${this.randomId(12)}:${name}`;
    const problem = flowArnProblem(arn);
    if (problem !== undefined) throw new TypeError(`name "${name}" cannot be part of a flow ARN: ${problem}`);
    this.flows.set(arn, {
      arn,
      name,
      seq: this.nextSeq++,
      status: options.status ?? FlowStatus.STANDBY,
      since: Date.now(),
      startingDuration: options.startingDuration ?? this.defaultStartingDuration,
      startingDescribes: options.startingDescribes,
      describesWhileStarting: 0,
      stoppingDuration: options.stoppingDuration ?? this.defaultStoppingDuration,
      outcome: options.outcome ?? 'ACTIVE',
      errorMessages: options.errorMessages ?? DEFAULTS.errorMessages,
    });
    return arn;
  }

  /**
   * Changes how a flow behaves from now on. Setting `status` restarts its clock; changing
   * `startingDuration` or `outcome` while the flow is STARTING changes when and how it ends.
   * @throws Error when the flow does not exist or the patch renames it (the name is part of the ARN).
   */
  updateFlow(flowArn: string, patch: Partial<SimulatedFlowOptions>): void {
    const flow = this.settledFlow(flowArn);
    if (flow === undefined) throw new Error(`no simulated flow has the ARN ${flowArn}`);
    validateFlowPatch(patch);
    if (patch.name !== undefined && patch.name !== flow.name) {
      throw new TypeError(`a flow's name is part of its ARN and cannot change (from "${flow.name}" to "${patch.name}")`);
    }
    if (patch.startingDuration !== undefined) flow.startingDuration = patch.startingDuration;
    if (patch.startingDescribes !== undefined) flow.startingDescribes = patch.startingDescribes;
    if (patch.stoppingDuration !== undefined) flow.stoppingDuration = patch.stoppingDuration;
    if (patch.outcome !== undefined) flow.outcome = patch.outcome;
    if (patch.errorMessages !== undefined) flow.errorMessages = [...patch.errorMessages];
    if (patch.status !== undefined) this.enter(flow, patch.status);
  }

  /**
   * The flow's status as DescribeFlow would report it now.
   * @throws Error when the flow does not exist (or its deletion has completed).
   */
  flowStatus(flowArn: string): FlowStatus {
    const flow = this.settledFlow(flowArn);
    if (flow === undefined) throw new Error(`no simulated flow has the ARN ${flowArn}`);
    return flow.status;
  }

  /** Every existing flow's ARN by name (with duplicate names, the newest flow wins). */
  flowArnsByName(): Record<string, string> {
    const byName: Record<string, string> = {};
    for (const flow of this.settledFlows()) byName[flow.name] = flow.arn;
    return byName;
  }

  // ----- faults -----

  /**
   * Scripts a fault. Faults are tried in the order injected; the first that matches the call
   * (operation, flowArn) and wins its probability draw hits it and uses up one of its `times`.
   * The token bucket is checked before any fault.
   * @throws TypeError naming the field when the fault is malformed.
   */
  injectFault(fault: SimulatedFault): void {
    this.faults.push(normaliseFault(fault));
  }

  /** Removes every scripted fault. */
  clearFaults(): void {
    this.faults = [];
  }

  // ----- observability -----

  /** The calls recorded since the last `resetStats()`, oldest first, optionally filtered. */
  calls(filter: CallFilter = {}): SimulatedCall[] {
    return this.recorded
      .filter((call) => (filter.operation === undefined || call.operation === filter.operation) && (filter.flowArn === undefined || call.flowArn === filter.flowArn))
      .map((call) => ({ ...call }));
  }

  /** Counts over the calls recorded since the last `resetStats()`. */
  stats(): SimulatorStats {
    return { ...this.counters, byOperation: { ...this.counters.byOperation }, byHttpStatus: { ...this.counters.byHttpStatus } };
  }

  /** Forgets the recorded calls and counts. */
  resetStats(): void {
    this.recorded = [];
    this.counters = MediaConnectSimulator.emptyStats();
  }

  /** Forgets flows, faults and stats, refills the token bucket and reseeds the generator. */
  reset(): void {
    this.flows.clear();
    this.nextSeq = 1;
    this.clearFaults();
    this.resetStats();
    this.random = seededRandom(this.seed);
    this.tokensAt = 0;
    this.refillBucket();
  }

  /** Closes the server and every open socket, including those held by `slow` faults. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  // ----- HTTP -----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://simulator');
    const text = await readBody(req);
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      this.send(res, this.control(req.method ?? 'GET', url, text));
      return;
    }
    const route = ROUTES.map((r) => ({ r, match: req.method === r.method ? r.path.exec(url.pathname) : null })).find((m) => m.match !== null);
    if (route === undefined) {
      const answer: Answer = {
        httpStatus: 404,
        errorName: 'UnknownOperationException',
        body: { message: `No MediaConnect operation is ${req.method} ${url.pathname}` },
      };
      this.record({ operation: 'UnknownOperation', at: arrivedAt, httpStatus: answer.httpStatus, errorName: answer.errorName });
      this.send(res, answer);
      return;
    }
    const operation = route.r.operation;
    const rawArn = route.match?.[1];
    let flowArn: string | undefined;
    if (rawArn !== undefined) {
      try {
        flowArn = decodeURIComponent(rawArn);
      } catch {
        flowArn = rawArn;
      }
    }

    if (!this.takeToken()) {
      const answer: Answer = {
        httpStatus: 429,
        errorName: AwsErrorName.TooManyRequests,
        body: { message: 'Too many requests: the account is over its MediaConnect request rate.' },
      };
      this.record({ operation, flowArn, at: arrivedAt, httpStatus: 429, errorName: answer.errorName, fault: 'rateLimit' });
      this.send(res, answer);
      return;
    }

    const fault = this.matchFault(operation, flowArn);
    if (fault !== undefined && fault.kind !== 'slow' && fault.kind !== 'drop') {
      const spec = FAULT_ERRORS[fault.kind];
      const message = fault.message ?? (fault.kind === 'notFound' && flowArn !== undefined ? `Flow not found: ${flowArn}` : spec.message);
      const answer: Answer = { httpStatus: spec.httpStatus, errorName: spec.errorName, body: { message } };
      if (fault.retryAfterSeconds !== undefined) answer.headers = { 'retry-after': String(fault.retryAfterSeconds) };
      this.record({ operation, flowArn, at: arrivedAt, httpStatus: answer.httpStatus, errorName: answer.errorName, fault: fault.kind });
      this.send(res, answer);
      return;
    }
    if (fault?.kind === 'drop') {
      if (fault.applied) this.apply(operation, flowArn, url, text);
      this.record({ operation, flowArn, at: arrivedAt, fault: 'drop' });
      req.socket.destroy();
      return;
    }

    const answer = this.apply(operation, flowArn, url, text);
    const createdArn = operation === 'CreateFlow' ? (answer.body as { flow?: { flowArn?: string } } | undefined)?.flow?.flowArn : undefined;
    this.record({ operation, flowArn: flowArn ?? createdArn, at: arrivedAt, httpStatus: answer.httpStatus, errorName: answer.errorName, fault: fault?.kind });
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        if (!res.destroyed) this.send(res, answer);
      }, fault.delayMs);
      this.delayed.add(timer);
      return;
    }
    this.send(res, answer);
  }

  private send(res: ServerResponse, answer: Answer): void {
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

  /** Runs one MediaConnect operation and returns its answer, error answers included. */
  private apply(operation: SimulatedOperation, flowArn: string | undefined, url: URL, text: string): Answer {
    try {
      switch (operation) {
        case 'CreateFlow':
          return this.wireCreateFlow(text);
        case 'ListFlows':
          return this.wireListFlows(url);
        case 'DescribeFlow':
          return this.wireDescribeFlow(flowArn ?? '');
        case 'StartFlow':
          return this.wireTransition(flowArn ?? '', STARTABLE, FlowStatus.STARTING, 'start');
        case 'StopFlow':
          return this.wireTransition(flowArn ?? '', STOPPABLE, FlowStatus.STOPPING, 'stop');
        case 'DeleteFlow':
          return this.wireTransition(flowArn ?? '', DELETABLE, FlowStatus.DELETING, 'delete');
      }
    } catch (err) {
      if (err instanceof SimulatorError) return { httpStatus: err.httpStatus, errorName: err.errorName, body: { message: err.message } };
      throw err;
    }
  }

  private wireCreateFlow(text: string): Answer {
    const body = parseJson(text) as { name?: unknown };
    if (typeof body !== 'object' || body === null || typeof body.name !== 'string' || body.name.length === 0) {
      throw badRequest('name is required.');
    }
    let arn: string;
    try {
      arn = this.createFlow({ name: body.name });
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : String(err));
    }
    return { httpStatus: 201, body: { flow: this.describe(this.flows.get(arn) as FlowRecord) } };
  }

  private wireListFlows(url: URL): Answer {
    const rawMax = url.searchParams.get('maxResults');
    let pageSize = DEFAULTS.listPageSize;
    if (rawMax !== null) {
      pageSize = Number(rawMax);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > DEFAULTS.maxListPageSize) {
        throw badRequest(`maxResults must be a whole number from 1 to ${DEFAULTS.maxListPageSize}, got ${rawMax}.`);
      }
    }
    const token = url.searchParams.get('nextToken');
    let afterSeq = 0;
    if (token !== null) {
      const decoded = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (decoded === null) throw badRequest('nextToken is not a token this service issued.');
      afterSeq = Number(decoded[1]);
    }
    const remaining = this.settledFlows().filter((flow) => flow.seq > afterSeq);
    const page = remaining.slice(0, pageSize);
    const body: { flows: unknown[]; nextToken?: string } = {
      flows: page.map((flow) => ({
        availabilityZone: this.availabilityZone(),
        description: this.description(flow),
        flowArn: flow.arn,
        name: flow.name,
        sourceType: 'OWNED',
        status: flow.status,
      })),
    };
    if (remaining.length > page.length) body.nextToken = Buffer.from(`after:${page[page.length - 1].seq}`).toString('base64url');
    return { httpStatus: 200, body };
  }

  private wireDescribeFlow(flowArn: string): Answer {
    const counted = this.flows.get(flowArn);
    if (counted?.status === FlowStatus.STARTING) counted.describesWhileStarting += 1;
    const flow = this.existingFlow(flowArn);
    const body: { flow: unknown; messages?: { errors: string[] } } = { flow: this.describe(flow) };
    if (flow.status === FlowStatus.ERROR) body.messages = { errors: [...flow.errorMessages] };
    return { httpStatus: 200, body };
  }

  /** StartFlow, StopFlow and DeleteFlow: 202 `{flowArn, status}` from an allowed status, else 400. */
  private wireTransition(flowArn: string, allowed: ReadonlySet<FlowStatus>, next: FlowStatus, verb: string): Answer {
    const flow = this.existingFlow(flowArn);
    if (!allowed.has(flow.status)) {
      throw badRequest(`Cannot ${verb} flow ${flowArn}: its status is ${flow.status}; it must be ${[...allowed].join(' or ')}.`);
    }
    this.enter(flow, next);
    return { httpStatus: 202, body: { flowArn, status: next } };
  }

  /** Validates the ARN from a path and returns the flow it names, or throws the service's error. */
  private existingFlow(flowArn: string): FlowRecord {
    const problem = flowArnProblem(flowArn);
    if (problem !== undefined) throw badRequest(`Invalid flow ARN: ${problem}.`);
    const flow = this.settledFlow(flowArn);
    if (flow === undefined) throw notFound(flowArn);
    return flow;
  }

  private describe(flow: FlowRecord): Record<string, unknown> {
    const sourceName = `${flow.name}-source`;
    return {
      availabilityZone: this.availabilityZone(),
      description: this.description(flow),
      entitlements: [],
      flowArn: flow.arn,
      name: flow.name,
      outputs: [],
      source: {
        ingestPort: 5000,
        name: sourceName,
        sourceArn: `arn:aws:mediaconnect:${this.region}:${this.accountId}:source:${flow.arn.split(':')[6]}:${sourceName}`,
        transport: { protocol: 'srt-listener', maxBitrate: 10_000_000 },
        whitelistCidr: '0.0.0.0/0',
      },
      status: flow.status,
    };
  }

  private availabilityZone(): string {
    return `${this.region}a`;
  }

  private description(flow: FlowRecord): string {
    return `Simulated flow ${flow.name}`;
  }

  // ----- the control API -----

  private control(method: string, url: URL, text: string): Answer {
    const path = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
    try {
      const body = method === 'GET' || method === 'DELETE' ? {} : parseJson(text);
      if (method === 'POST' && path === 'flows') {
        return { httpStatus: 201, body: { flowArn: this.createFlow(body as SimulatedFlowOptions) } };
      }
      if (method === 'GET' && path === 'flows') {
        return { httpStatus: 200, body: { flows: this.settledFlows().map((flow) => ({ flowArn: flow.arn, name: flow.name, status: flow.status })) } };
      }
      const flowPath = /^flows\/([^/]+)$/.exec(path);
      if (flowPath !== null && (method === 'PATCH' || method === 'GET')) {
        const flowArn = decodeURIComponent(flowPath[1]);
        if (method === 'PATCH') this.updateFlow(flowArn, body as Partial<SimulatedFlowOptions>);
        return { httpStatus: 200, body: { flowArn, status: this.flowStatus(flowArn) } };
      }
      if (method === 'POST' && path === 'faults') {
        this.injectFault(body as SimulatedFault);
        return { httpStatus: 201, body: { faults: this.faults.length } };
      }
      if (method === 'DELETE' && path === 'faults') {
        this.clearFaults();
        return { httpStatus: 200, body: {} };
      }
      if (method === 'GET' && path === 'stats') return { httpStatus: 200, body: this.stats() };
      if (method === 'DELETE' && path === 'stats') {
        this.resetStats();
        return { httpStatus: 200, body: {} };
      }
      if (method === 'GET' && path === 'calls') {
        const filter: CallFilter = {
          operation: url.searchParams.get('operation') ?? undefined,
          flowArn: url.searchParams.get('flowArn') ?? undefined,
        };
        return { httpStatus: 200, body: { calls: this.calls(filter) } };
      }
      if (method === 'POST' && path === 'reset') {
        this.reset();
        return { httpStatus: 200, body: {} };
      }
      return { httpStatus: 404, body: { message: `The simulator's control API has no ${method} ${url.pathname}` } };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { httpStatus: err instanceof SimulatorError ? err.httpStatus : 400, body: { message } };
    }
  }

  // ----- state -----

  private enter(flow: FlowRecord, status: FlowStatus): void {
    flow.status = status;
    flow.since = Date.now();
    flow.describesWhileStarting = 0;
  }

  /** Brings a flow's status up to now; returns undefined when it does not exist or is deleted. */
  private settledFlow(flowArn: string): FlowRecord | undefined {
    const flow = this.flows.get(flowArn);
    if (flow === undefined) return undefined;
    const now = Date.now();
    if (flow.status === FlowStatus.STARTING && flow.startingDescribes !== undefined) {
      if (flow.describesWhileStarting > flow.startingDescribes) {
        flow.status = flow.outcome;
        flow.since = now;
      }
    } else if (flow.status === FlowStatus.STARTING && now >= flow.since + flow.startingDuration) {
      // The outcome happened at the end of STARTING, not when someone looked.
      flow.since += flow.startingDuration;
      flow.status = flow.outcome;
    } else if (flow.status === FlowStatus.STOPPING && now >= flow.since + flow.stoppingDuration) {
      flow.since += flow.stoppingDuration;
      flow.status = FlowStatus.STANDBY;
    } else if (flow.status === FlowStatus.DELETING && now >= flow.since + this.deletingDuration) {
      this.flows.delete(flowArn);
      return undefined;
    }
    return flow;
  }

  private settledFlows(): FlowRecord[] {
    return [...this.flows.keys()]
      .map((arn) => this.settledFlow(arn))
      .filter((flow): flow is FlowRecord => flow !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }

  private randomId(length: number): string {
    let id = '';
    for (let i = 0; i < length; i++) id += ALNUM[Math.floor(this.random() * ALNUM.length)];
    return id;
  }

  private matchFault(operation: SimulatedOperation, flowArn: string | undefined): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.flowArn !== undefined && fault.flowArn !== flowArn) continue;
      if (fault.probability < 1 && this.random() >= fault.probability) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }

  private refillBucket(): void {
    if (this.rateLimit === false) return;
    const now = Date.now();
    if (this.tokensAt === 0) {
      this.tokens = this.rateLimit.burst;
    } else {
      this.tokens = Math.min(this.rateLimit.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.rateLimit.requestsPerSecond);
    }
    this.tokensAt = now;
  }

  private takeToken(): boolean {
    if (this.rateLimit === false) return true;
    this.refillBucket();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private record(call: SimulatedCall): void {
    const clean: SimulatedCall = { operation: call.operation, at: call.at };
    if (call.flowArn !== undefined) clean.flowArn = call.flowArn;
    if (call.httpStatus !== undefined) clean.httpStatus = call.httpStatus;
    if (call.errorName !== undefined) clean.errorName = call.errorName;
    if (call.fault !== undefined) clean.fault = call.fault;
    this.recorded.push(clean);
    const counters = this.counters;
    counters.total += 1;
    counters.byOperation[call.operation] = (counters.byOperation[call.operation] ?? 0) + 1;
    if (call.httpStatus === undefined) {
      counters.dropped += 1;
    } else {
      counters.byHttpStatus[String(call.httpStatus)] = (counters.byHttpStatus[String(call.httpStatus)] ?? 0) + 1;
      if (call.httpStatus === 429) counters.throttled += 1;
      if (call.fault === 'rateLimit') counters.rateLimited += 1;
    }
  }

  private static emptyStats(): SimulatorStats {
    return { total: 0, byOperation: {}, byHttpStatus: {}, throttled: 0, rateLimited: 0, dropped: 0 };
  }
}
