/**
 * A MediaConnect simulator: an HTTP server that speaks the REST-JSON wire format of AWS Elemental
 * MediaConnect as `@aws-sdk/client-mediaconnect` expects it, for the operations this package
 * calls. Unlike moto it can show a STARTING phase while you poll, flows that end in ERROR with
 * messages, several regions behind one endpoint, throttling (scripted and a per-region token
 * bucket), 4xx/5xx answers, slow answers and dropped connections, and it records every call so
 * tests and benchmarks can count them.
 *
 * Not a MediaConnect implementation: flows have no sources or outputs worth the name, and the
 * statuses move on a clock the test sets. SigV4 signatures are not checked; only the region of
 * their credential scope is read.
 *
 * This class composes the parts: the account and its flows (`account.ts`, `flow-store.ts`,
 * `flow-clock.ts`), the operations (`wire-api.ts`), faults (`faults.ts`), the token bucket
 * (`token-bucket.ts`), the call log (`call-log.ts`), the control API (`control-api.ts`) and the
 * HTTP edge (`http.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AwsErrorName } from '../common/failure-types';
import type { FlowStatus } from '../common/flow-status';
import { SimulatedAccount } from './account';
import { errorAnswer, type Answer } from './answers';
import { CallLog } from './call-log';
import { validateOptions } from './checks';
import { answerControl, CONTROL_PREFIX, controlError, controlRefusal, type ControlTarget } from './control-api';
import { DEFAULTS, LIMITS } from './defaults';
import { FaultBook, faultAnswer, isErrorKind } from './faults';
import { drainAndClose, readBoundedBody, requestInfo, send, signedRegion, TOO_LARGE, type RequestInfo } from './http';
import { seededRandom } from './seeded-random';
import { FlowStatusEvents, type FlowStatusEventOptions, type FlowStatusEventStats } from './status-events';
import { RegionalRateLimit } from './token-bucket';
import type {
  CallFilter,
  SimulatedCall,
  SimulatedFault,
  SimulatedFlowBatchOptions,
  SimulatedFlowOptions,
  SimulatorOptions,
  SimulatorStats,
} from './types';
import { applyOperation, route, type WireCall } from './wire-api';

/** The token bucket's refusal: 429 without Retry-After, like MediaConnect's quota. */
const RATE_LIMITED: Answer = errorAnswer(
  429,
  AwsErrorName.TooManyRequests,
  'Too many requests: the account is over its MediaConnect request rate.',
);
const TOO_LARGE_MESSAGE = `The request body is larger than ${LIMITS.maxBodyBytes} bytes.`;

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
  /** The default region: of flows created without one and of unsigned requests. Give it to the client too. */
  readonly region: string;
  /** Every region the simulator serves, the default region first. */
  readonly regions: readonly string[];

  private readonly seed: number;
  private random: () => number;
  private readonly account: SimulatedAccount;
  private readonly faults: FaultBook;
  private readonly rateLimit: RegionalRateLimit;
  private readonly log = new CallLog();
  private readonly sockets = new Set<Socket>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private stopped = false;
  private statusEvents: FlowStatusEvents | undefined;
  /** Emitters replaced or stopped whose deliveries may still be under way. */
  private readonly eventsStopping = new Set<Promise<void>>();

  private constructor(
    private readonly server: Server,
    options: SimulatorOptions,
    endpoint: string,
  ) {
    this.endpoint = endpoint;
    this.seed = options.seed ?? DEFAULTS.seed;
    this.random = seededRandom(this.seed);
    this.account = new SimulatedAccount(options, () => this.random());
    this.region = this.account.region;
    this.regions = [this.region, ...[...this.account.regions].filter((region) => region !== this.region)];
    this.faults = new FaultBook(() => this.random());
    this.rateLimit = new RegionalRateLimit(options.rateLimit === undefined ? DEFAULTS.rateLimit : options.rateLimit);
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
        if (!res.headersSent && !res.destroyed)
          send(res, errorAnswer(500, AwsErrorName.InternalServerError, `Simulator bug: ${String(err)}`));
      });
    });
    return simulator;
  }

  // ----- flows -----

  /**
   * Creates a flow directly (no HTTP call, nothing recorded, no rate limit) and returns its ARN.
   * The flow lives in `options.region` (one of {@link regions}), by default the default region.
   * @throws TypeError when the name cannot be part of a flow ARN, the region is not served or an option is invalid.
   */
  createFlow(options: SimulatedFlowOptions): string {
    const flowArn = this.account.createFlow(options);
    this.statusEvents?.observe(flowArn);
    return flowArn;
  }

  /**
   * Creates `count` flows named `<prefix>-1` to `<prefix>-<count>` (prefix `Flow` by default),
   * all with the same options, and returns their ARNs in that order. For big accounts: 5000
   * flows take milliseconds.
   * @throws TypeError when `count` is not from 1 to 100,000 or an option is invalid; then none is made.
   */
  createFlows(count: number, options: SimulatedFlowBatchOptions = {}): string[] {
    const flowArns = this.account.createFlows(count, options);
    for (const flowArn of flowArns) this.statusEvents?.observe(flowArn);
    return flowArns;
  }

  /**
   * Changes how a flow behaves from now on. Setting `status` restarts its clock; changing
   * `startingDuration` or `outcome` while the flow is STARTING changes when and how it ends.
   * @throws Error when the flow does not exist or the patch renames it or moves it to another region (both are part of the ARN).
   */
  updateFlow(flowArn: string, patch: Partial<SimulatedFlowOptions>): void {
    this.account.updateFlow(flowArn, patch);
    this.statusEvents?.observe(flowArn);
  }

  /**
   * The flow's status as DescribeFlow would report it now.
   * @throws Error when the flow does not exist (or its deletion has completed).
   */
  flowStatus(flowArn: string): FlowStatus {
    return this.account.existing(flowArn).status;
  }

  /** Every existing flow's ARN by name, in every region (with duplicate names, the newest flow wins). */
  flowArnsByName(): Record<string, string> {
    const byName: Record<string, string> = {};
    for (const flow of this.account.flows.all()) byName[flow.name] = flow.arn;
    return byName;
  }

  // ----- EventBridge -----

  /**
   * From now on, emits a "MediaConnect Flow Status Change" EventBridge event (the exact envelope)
   * for every status change of a flow, to `options.target`, optionally lost, late, duplicated or
   * reordered; `undefined` stops. Flows are watched from the first call or `createFlow` about them.
   * @throws TypeError naming the option that cannot work
   */
  emitStatusEvents(options: FlowStatusEventOptions | undefined): void {
    const events = options && new FlowStatusEvents(options, this.account, (flowArn) => this.account.flows.get(flowArn));
    if (this.statusEvents) {
      const stopping = this.statusEvents.stop().finally(() => this.eventsStopping.delete(stopping));
      this.eventsStopping.add(stopping);
    }
    this.statusEvents = events;
    for (const flow of events ? this.account.flows.all() : []) events?.observe(flow.arn);
  }

  /**
   * Stops emitting events and resolves once every delivery already under way has ended: call it
   * before closing what the target uses (a test's Temporal client), or a forward still retrying
   * then fails on a closed connection.
   */
  async stopStatusEvents(): Promise<void> {
    this.emitStatusEvents(undefined);
    await Promise.allSettled([...this.eventsStopping]);
  }

  /** The events emitted since `emitStatusEvents` was last called, and what became of them. */
  statusEventStats(): FlowStatusEventStats {
    return this.statusEvents?.report() ?? { events: [], delivered: 0, dropped: 0, failed: 0 };
  }

  // ----- faults -----

  /**
   * Scripts a fault. Faults are tried in the order injected; the first that matches the call
   * (operation, flowArn, region) and wins its probability draw hits it and uses up one of its
   * `times`. The token bucket is checked before any fault.
   * @throws TypeError naming the field when the fault is malformed.
   */
  injectFault(fault: SimulatedFault): void {
    this.faults.inject(fault);
  }

  /** Removes every scripted fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  // ----- observability -----

  /** The calls recorded since the last `resetStats()` (the latest 100,000 at most), oldest first, optionally filtered. */
  calls(filter: CallFilter = {}): SimulatedCall[] {
    return this.log.calls(filter);
  }

  /** Counts over every call received since the last `resetStats()`. */
  stats(): SimulatorStats {
    return this.log.stats();
  }

  /** Forgets the recorded calls and counts. */
  resetStats(): void {
    this.log.reset();
  }

  /** Forgets flows, faults, stats and status events (turned off), refills the token buckets and reseeds the generator. */
  reset(): void {
    this.emitStatusEvents(undefined);
    this.account.flows.clear();
    this.clearFaults();
    this.resetStats();
    this.random = seededRandom(this.seed);
    this.rateLimit.reset();
  }

  /** Closes the server and every open socket, including those held by `slow` faults. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopStatusEvents();
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  // ----- HTTP -----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '/').startsWith(CONTROL_PREFIX)) return this.handleControl(req, res);
    return this.handleWire(req, res);
  }

  private async handleControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = controlRefusal(req.headers, this.endpoint);
    const body = refusal === undefined ? await readBoundedBody(req) : TOO_LARGE;
    if (body === TOO_LARGE) {
      send(res, refusal ?? controlError(413, TOO_LARGE_MESSAGE));
      drainAndClose(req);
      return;
    }
    send(res, answerControl(this.controlTarget(), requestInfo(req, this.region, body)));
  }

  /** MediaConnect's API: route, region, body, token bucket, faults, then the operation. */
  private async handleWire(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const body = await readBoundedBody(req);
    const request = requestInfo(req, this.region, body === TOO_LARGE ? '' : body);
    const matched = route(request.method, request.url);
    const base: SimulatedCall = {
      operation: matched?.operation ?? 'UnknownOperation',
      region: request.region,
      flowArn: matched?.flowArn,
      at,
    };
    const refusal = this.refusal(req, request, matched === undefined, body === TOO_LARGE);
    if (refusal !== undefined || matched === undefined) {
      const answer =
        refusal ??
        errorAnswer(
          404,
          'UnknownOperationException',
          `No MediaConnect operation is ${request.method} ${request.url.pathname}`,
        );
      this.log.record({
        ...base,
        httpStatus: answer.httpStatus,
        errorName: answer.errorName,
        fault: refusal === RATE_LIMITED ? 'rateLimit' : undefined,
      });
      send(res, answer);
      if (body === TOO_LARGE) drainAndClose(req);
      return;
    }
    this.answerWire(
      { ...matched, region: request.region, url: request.url, body: request.body },
      request,
      base,
      req,
      res,
    );
  }

  /** Why a MediaConnect request is refused before any fault or operation: oversized, an unserved region, over budget. */
  private refusal(
    req: IncomingMessage,
    request: RequestInfo,
    unknownRoute: boolean,
    tooLarge: boolean,
  ): Answer | undefined {
    if (tooLarge) return errorAnswer(413, 'PayloadTooLargeException', TOO_LARGE_MESSAGE);
    if (unknownRoute) return undefined;
    if (!this.account.regions.has(request.region)) {
      const region = JSON.stringify(signedRegion(req));
      return errorAnswer(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not ${region}: this simulator serves ${this.regions.join(', ')} (SimulatorOptions.regions).`,
      );
    }
    return this.rateLimit.take(request.region) ? undefined : RATE_LIMITED;
  }

  /** Applies a routed call under its scripted fault, if any, and answers it. */
  private answerWire(
    call: WireCall,
    request: RequestInfo,
    base: SimulatedCall,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const fault = this.faults.match(call.operation, call.flowArn, call.region);
    if (fault !== undefined && isErrorKind(fault.kind)) {
      const answer = faultAnswer({ ...fault, kind: fault.kind }, request, call.flowArn);
      this.log.record({ ...base, httpStatus: answer.httpStatus, errorName: answer.errorName, fault: fault.kind });
      send(res, answer);
      return;
    }
    this.statusEvents?.observe(call.flowArn);
    if (fault?.kind === 'drop') {
      if (fault.applied === true) this.apply(call);
      this.log.record({ ...base, fault: 'drop' });
      req.socket.destroy();
      return;
    }
    const answer = this.apply(call);
    const createdArn =
      call.operation === 'CreateFlow'
        ? (answer.body as { flow?: { flowArn?: string } } | undefined)?.flow?.flowArn
        : undefined;
    this.log.record({
      ...base,
      flowArn: base.flowArn ?? createdArn,
      httpStatus: answer.httpStatus,
      errorName: answer.errorName,
      fault: fault?.kind,
    });
    if (fault?.kind !== 'slow') {
      send(res, answer);
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      if (!res.destroyed) send(res, answer);
    }, fault.delayMs);
    this.delayed.add(timer);
  }

  /** Applies an operation; its status change, if any, becomes an event. */
  private apply(call: WireCall): Answer {
    const answer = applyOperation(this.account, call);
    this.statusEvents?.observe(call.flowArn);
    return answer;
  }

  private controlTarget(): ControlTarget {
    return {
      createFlow: (options) => this.createFlow(options),
      updateFlow: (flowArn, patch) => this.updateFlow(flowArn, patch),
      flowStatus: (flowArn) => this.flowStatus(flowArn),
      listFlows: (region) =>
        this.account.flows
          .all()
          .filter((flow) => region === undefined || flow.region === region)
          .map((flow) => ({ flowArn: flow.arn, name: flow.name, region: flow.region, status: flow.status })),
      injectFault: (fault) => this.faults.inject(fault),
      clearFaults: () => this.clearFaults(),
      stats: () => this.stats(),
      resetStats: () => this.resetStats(),
      calls: (filter) => this.calls(filter),
      reset: () => this.reset(),
    };
  }
}
