/** The simulator's public types: its options, flows, faults and the calls it records. */
import type { FlowStatus } from '../common/flow-status';

/** A request budget, a token bucket shared by every MediaConnect operation of one region. */
export interface RateLimit {
  /** Tokens added per second, i.e. the steady request rate. Must be > 0. */
  requestsPerSecond: number;
  /** The bucket's size: how many requests may arrive at once after a quiet spell. Must be >= 1. */
  burst: number;
}

/** What StartFlow answers for a flow that is already STARTING, ACTIVE or UPDATING. */
export type AlreadyStartedAnswer = 'BadRequest' | 'Conflict';

/** How to run a {@link MediaConnectSimulator}. Every field is optional. */
export interface SimulatorOptions {
  /** Interface to listen on. Keep it on loopback. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * The default region: where `createFlow` puts a flow that names none, and the region of an
   * unsigned request. Reported as {@link MediaConnectSimulator.region}. @default 'us-east-1'
   */
  region?: string;
  /**
   * Every region the simulator serves. A request's region is the one in its SigV4 credential
   * scope (the region its client was built for), so clients for several regions may share one
   * endpoint; each region sees only its own flows. A signed request for a region not listed is
   * answered 403. @default [region]
   */
  regions?: string[];
  /** 12-digit account id written into flow ARNs. @default '111122223333' */
  accountId?: string;
  /**
   * Token bucket over all MediaConnect operations of one region (not the control API), like
   * MediaConnect's per account and region quota: each region has its own bucket. A request over
   * budget gets 429 TooManyRequestsException without Retry-After and is not applied. `false`
   * disables it.
   * @default DEFAULT_REQUEST_BUDGET ({ requestsPerSecond: 5, burst: 30 })
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
  /**
   * What StartFlow answers for a flow already STARTING, ACTIVE or UPDATING, unless the flow sets
   * its own: 400 BadRequestException or 409 ConflictException. Neither starts anything.
   * @default 'BadRequest'
   */
  alreadyStartedAnswer?: AlreadyStartedAnswer;
}

/** How one simulated flow behaves. Set at creation, changeable with `updateFlow`. */
export interface SimulatedFlowOptions {
  /** The flow's name, the last part of its ARN: letters, digits, `.`, `_` and `-`, at most 128. */
  name: string;
  /** The region in the flow's ARN; one of `SimulatorOptions.regions`. Cannot change. @default SimulatorOptions.region */
  region?: string;
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
  /** What StartFlow answers while this flow is STARTING, ACTIVE or UPDATING. @default SimulatorOptions.alreadyStartedAnswer */
  alreadyStartedAnswer?: AlreadyStartedAnswer;
}

/** Options of {@link MediaConnectSimulator.createFlows}: every flow gets them, and the name `<prefix>-<n>`. */
export interface SimulatedFlowBatchOptions extends Omit<SimulatedFlowOptions, 'name'> {
  /** The flows are named `<prefix>-1` to `<prefix>-<count>`. @default 'Flow' */
  prefix?: string;
}

/** The MediaConnect operations the simulator answers. */
export type SimulatedOperation = 'CreateFlow' | 'DescribeFlow' | 'ListFlows' | 'StartFlow' | 'StopFlow' | 'DeleteFlow';

/** What a scripted fault does to a call. */
export type SimulatedFaultKind =
  /**
   * 429 TooManyRequestsException (or the `errorName` and `httpStatus` the fault names), with
   * `Retry-After` when `retryAfterSeconds` or `retryAfter` is set. Not applied.
   */
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
  /** 409 ConflictException. Not applied. */
  | 'conflict'
  /** The real answer, after the operation is applied, sent `delayMs` late. */
  | 'slow'
  /**
   * The socket is destroyed without an answer; the operation is applied only if `applied`. A
   * StartFlow dropped with `applied: true` is a start that took effect but whose answer was lost.
   */
  | 'drop';

/** A fault to inject into matching calls. See {@link MediaConnectSimulator.injectFault}. */
export interface SimulatedFault {
  /** What happens to a matching call. */
  kind: SimulatedFaultKind;
  /** Which operation it hits; `'*'` hits all of them. @default '*' */
  operation?: SimulatedOperation | '*';
  /** Only calls about this flow ARN match. @default every flow (and calls with no flow) */
  flowArn?: string;
  /** Only calls to this region match. @default every region */
  region?: string;
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
  /**
   * Error kinds only: the raw `Retry-After` header value, sent as is (`'86400'`, an HTTP date, a
   * 401-digit number, `'soon'`). Printable ASCII, at most 8192 characters; not with `retryAfterSeconds`.
   * @default no header
   */
  retryAfter?: string;
  /** `throttle` only: the error name sent in `x-amzn-errortype`, e.g. `'ThrottlingException'`. @default 'TooManyRequestsException' */
  errorName?: string;
  /** `throttle` only: the HTTP status, 400 or 429. @default 429 */
  httpStatus?: number;
  /**
   * Error kinds only: end the error's message with the request line and every request header,
   * verbatim (Authorization, X-Amz-Security-Token and X-Amz-Date included), as a misbehaving
   * proxy or service might. For testing that no credential leaks on. @default false
   */
  echoRequest?: boolean;
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
  /** The region the call was for: its SigV4 credential scope's, or the default region when unsigned. */
  region: string;
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

/** Counts over every call received since the last `resetStats()` (also those `calls()` no longer keeps). */
export interface SimulatorStats {
  /** Every MediaConnect call received, answered or not. */
  total: number;
  /** Calls per operation name. */
  byOperation: Record<string, number>;
  /** Calls per region. */
  byRegion: Record<string, number>;
  /** Answered calls per HTTP status (as a string key, e.g. `"202"`). */
  byHttpStatus: Record<string, number>;
  /** Calls refused as throttled: answered 429, or hit by a `throttle` fault whatever its status. */
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
  /** Only calls to this region. */
  region?: string;
}
