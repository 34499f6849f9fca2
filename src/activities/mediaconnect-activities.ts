import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { parseFlowArn, regionProblem } from '../common/arn';
import { AwsErrorName, FailureType, invalidInput } from '../common/failure-types';
import { FlowStatus, isFlowStatus, isStartedStatus } from '../common/flow-status';
import {
  LIST_FLOWS_PAGE_SIZE,
  listFlowsPages,
  type ReadFlowStatusesInput,
  type ReadFlowStatusesResult,
} from '../common/flow-status-reads';
import { redactCredentials } from '../common/redact';
import { classifyMediaConnectError, type ClassifiedError } from './classify-error';
import { observeBudgetWait, observeCall } from './metrics';
import { readFlowStatuses } from './read-flow-statuses';
import { RegionalMediaConnectClients } from './regional-clients';
import type { RequestBudget } from './request-budget-client';

/** What every activity of this package needs. */
export interface MediaConnectActivityDependencies {
  /**
   * The MediaConnect client of the worker's default region, and the template of every other
   * region's: each call goes to its flow's own region (the region in the ARN), through this client
   * in its region and, in another, a client built once from this one's credentials provider,
   * request handler, retry and endpoint settings (`RegionalMediaConnectClients`). Build it with
   * the AWS SDK's retries off (`maxAttempts: 1`): Temporal's activity retries are the one retry
   * layer (see the README). Destroying it closes the other regions' connections too.
   */
  client: MediaConnectClient;
  /**
   * The account's request budgets, asked before every call for a token of the call's region
   * (`temporalRequestBudget(...)`; the worker wires it). Without one, calls go out at once.
   */
  requestBudget?: RequestBudget;
  /**
   * How long one call may wait for MediaConnect's answer, ms. Waiting for the request budget does
   * not count against it; the activity's start-to-close timeout bounds both.
   * @default 10000
   */
  callTimeoutMs?: number;
}

/** Default of `callTimeoutMs`. */
export const CALL_TIMEOUT_MS = 10_000;
/** Time an activity keeps, after its wait for the budget, for its call and for reporting the result. */
const REPORT_MARGIN_MS = 1_000;
/** Heartbeat period of an activity, from its start to its end (the activities' heartbeat timeout is 10 s). */
const HEARTBEAT_EVERY_MS = 1_000;

export interface FlowRef {
  /** The ARN of the flow, for example `arn:aws:mediaconnect:us-east-1:111122223333:flow:1-...:AwardsShow`. */
  flowArn: string;
}

export interface StartFlowResult {
  flowArn: string;
  /** The status MediaConnect reported: normally `STARTING`. */
  status: FlowStatus;
  /** True when the flow was already starting or active, so no new start was needed. */
  alreadyStarted: boolean;
}

export interface DescribeFlowResult {
  flowArn: string;
  status: FlowStatus;
  /** DescribeFlow's `messages.errors`: why a flow is in ERROR. Empty when MediaConnect gave none. */
  errors: string[];
}

export interface ListFlowStatusesInput {
  /** Page size for ListFlows. @default 1000 (the service's maximum) */
  maxResults?: number;
  /** The region whose flows are listed, for example `us-west-2`. @default the worker's region (its MediaConnect client's) */
  region?: string;
}

export interface ListFlowStatusesResult {
  /** Status of every flow in the account and the region, by ARN. */
  statuses: Record<string, FlowStatus>;
  /** ListFlows calls made (one per page). */
  calls: number;
}

/**
 * StartFlow refusals that can mean "this flow is already starting or started" (400 on AWS, 409 from
 * some endpoints, for example after an earlier attempt whose answer was lost): settled by reading the status.
 */
const MAYBE_ALREADY_STARTED: ReadonlySet<string> = new Set([AwsErrorName.BadRequest, AwsErrorName.Conflict]);

/**
 * Creates the MediaConnect activities around one client and, normally, the account's request budget.
 *
 * ```ts
 * const client = createMediaConnectClient(); // the AWS SDK's retries off
 * const activities = createActivities({ client, requestBudget: temporalRequestBudget() });
 * await Worker.create({ activities, ... });
 * ```
 *
 * @throws RangeError when `callTimeoutMs` is not a positive number of milliseconds.
 */
export function createActivities({
  client,
  requestBudget,
  callTimeoutMs = CALL_TIMEOUT_MS,
}: MediaConnectActivityDependencies) {
  if (typeof callTimeoutMs !== 'number' || !(callTimeoutMs > 0)) {
    throw new RangeError(
      `createActivities: callTimeoutMs must be a number of milliseconds above 0, got ${JSON.stringify(callTimeoutMs)}`,
    );
  }
  const clients = new RegionalMediaConnectClients(client);

  /**
   * Sends one command to `region`: first a token from that region's request budget, then the
   * call, bounded by `callTimeoutMs` and tied to the activity's cancellation; errors become
   * ApplicationFailures.
   */
  async function call<T>(
    operation: string,
    region: string,
    flowArn: string | undefined,
    send: (regionClient: MediaConnectClient, abortSignal: AbortSignal) => Promise<T>,
    reservedToken?: Promise<void>,
  ): Promise<T> {
    const context = activityContext();
    // Heartbeat from the start: the budget's answer may take as long as the heartbeat timeout.
    context?.heartbeat();
    const heartbeats = context && setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      const regionClient = await clients.forRegion(region);
      if (reservedToken) await reservedToken;
      else if (requestBudget && context)
        await observeBudgetWait(() => requestBudget.acquire(affordableWaitMs(context, callTimeoutMs), region));
      const timeout = AbortSignal.timeout(callTimeoutMs);
      const cancelled = context?.cancellationSignal;
      try {
        return await observeCall(
          operation,
          flowArn,
          cancelled ? AbortSignal.any([cancelled, timeout]) : timeout,
          (abortSignal) => send(regionClient, abortSignal),
        );
      } catch (error) {
        if (cancelled?.aborted) throw error; // cancelled or timed out by Temporal: let the worker report it as such
        if (timeout.aborted) throw noAnswer(operation, flowArn, callTimeoutMs);
        const classified = classifyMediaConnectError(error, Date.now());
        if (requestBudget && classified.throttled) await requestBudget.reportThrottled(region, classified.retryAfterMs);
        throw failureOf(operation, flowArn, classified);
      }
    } finally {
      clearInterval(heartbeats);
    }
  }

  async function describe(flowArn: string, region: string): Promise<DescribeFlowResult> {
    const output = await call('DescribeFlow', region, flowArn, (regionClient, abortSignal) =>
      regionClient.send(new DescribeFlowCommand({ FlowArn: flowArn }), { abortSignal }),
    );
    return {
      flowArn,
      status: knownStatus(output.Flow?.Status, flowArn),
      errors: output.Messages?.Errors ?? [],
    };
  }

  return {
    /**
     * Starts a flow (MediaConnect StartFlow). Idempotent: when MediaConnect refuses the start
     * (400 BadRequestException or 409 ConflictException) and the flow turns out to be already
     * STARTING, ACTIVE or UPDATING (for example when an earlier attempt of this activity reached
     * the service but its answer was lost), it reports that status with `alreadyStarted: true`.
     *
     * Fails with an ApplicationFailure whose `type` is the AWS error name (see `classify-error.ts`);
     * retryable for throttling, 408, 409, 5xx and network failures, non-retryable for 400, 403, 404
     * and missing credentials (`MissingCredentials`).
     */
    async startFlow({ flowArn }: FlowRef): Promise<StartFlowResult> {
      const { region } = parseFlowArn(flowArn);
      try {
        const output = await call('StartFlow', region, flowArn, (regionClient, abortSignal) =>
          regionClient.send(new StartFlowCommand({ FlowArn: flowArn }), { abortSignal }),
        );
        return { flowArn, status: knownStatus(output.Status, flowArn), alreadyStarted: false };
      } catch (failure) {
        if (!(failure instanceof ApplicationFailure) || !MAYBE_ALREADY_STARTED.has(failure.type ?? '')) throw failure;
        const current = await describe(flowArn, region);
        if (!isStartedStatus(current.status)) throw failure;
        return { flowArn, status: current.status, alreadyStarted: true };
      }
    },

    /** Reads a flow's status and error messages (MediaConnect DescribeFlow). Same failures as startFlow. */
    async describeFlow({ flowArn }: FlowRef): Promise<DescribeFlowResult> {
      return describe(flowArn, parseFlowArn(flowArn).region);
    },

    /** Stops a flow (MediaConnect StopFlow). Same failures as startFlow. */
    async stopFlow({ flowArn }: FlowRef): Promise<{ flowArn: string; status: FlowStatus }> {
      const { region } = parseFlowArn(flowArn);
      const output = await call('StopFlow', region, flowArn, (regionClient, abortSignal) =>
        regionClient.send(new StopFlowCommand({ FlowArn: flowArn }), { abortSignal }),
      );
      return { flowArn, status: knownStatus(output.Status, flowArn) };
    },

    /**
     * Reads the status of every flow in the account and one region (`region`, the worker's by
     * default) with ListFlows, up to 1000 flows per call: the cheap way to watch many flows at once.
     */
    async listFlowStatuses({
      maxResults = 1000,
      region: requested,
    }: ListFlowStatusesInput = {}): Promise<ListFlowStatusesResult> {
      const region = requested ?? (await defaultRegion(clients));
      const problem = regionProblem(region);
      if (problem !== undefined) throw invalidInput(`listFlowStatuses: ${problem}`);
      const statuses: Record<string, FlowStatus> = {};
      let nextToken: string | undefined;
      let calls = 0;
      do {
        const page = await call('ListFlows', region, undefined, (regionClient, abortSignal) =>
          regionClient.send(new ListFlowsCommand({ MaxResults: maxResults, NextToken: nextToken }), { abortSignal }),
        );
        calls += 1;
        for (const flow of page.Flows ?? []) {
          if (flow.FlowArn && isFlowStatus(flow.Status)) statuses[flow.FlowArn] = flow.Status;
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return { statuses, calls };
    },

    /**
     * Reads the statuses of some flows of one region, with ListFlows (filtered here) or one
     * DescribeFlow per flow, and returns only the flows whose status differs from the one the
     * caller gave, and those MediaConnect does not report: the read's answer never holds the rest
     * of the account. What a fleet watches its flows with.
     */
    async readFlowStatuses(input: ReadFlowStatusesInput): Promise<ReadFlowStatusesResult> {
      const problem = regionProblem(input?.region);
      if (problem !== undefined) throw invalidInput(`readFlowStatuses: ${problem}`);
      // The pages of one ListFlows read reserve their tokens together (consecutive slots), and each
      // page goes out at its own slot: one at a time, each page would queue again behind every
      // StartFlow booked meanwhile, and a read of several pages would rarely finish while starts
      // are being issued.
      const context = activityContext();
      const pages = input.operation === 'ListFlows' ? listFlowsPages(input.accountFlows) : 0;
      const budget = requestBudget;
      const tokens =
        budget && context && pages > 1
          ? Array.from({ length: pages }, () =>
              observeBudgetWait(() => budget.acquire(affordableWaitMs(context, callTimeoutMs), input.region)),
            )
          : [];
      for (const token of tokens) token.catch(() => undefined); // a refusal fails the page that waits for it
      return readFlowStatuses(input, {
        listPage: async (nextToken, pageIndex) => {
          const page = await call(
            'ListFlows',
            input.region,
            undefined,
            (regionClient, abortSignal) =>
              regionClient.send(new ListFlowsCommand({ MaxResults: LIST_FLOWS_PAGE_SIZE, NextToken: nextToken }), {
                abortSignal,
              }),
            tokens[pageIndex],
          );
          return {
            flows: (page.Flows ?? []).map((flow) => ({ flowArn: flow.FlowArn, status: flow.Status })),
            nextToken: page.NextToken,
          };
        },
        describe: async (flowArn) => (await describe(flowArn, parseFlowArn(flowArn).region)).status,
      });
    },
  };
}

/** The activities' type, for `proxyActivities<MediaConnectActivities>()` in workflow code. */
export type MediaConnectActivities = ReturnType<typeof createActivities>;

/** The worker's region, for a call with no flow to go by. */
async function defaultRegion(clients: RegionalMediaConnectClients): Promise<string> {
  try {
    return await clients.defaultRegion();
  } catch {
    throw invalidInput(
      'listFlowStatuses: no region given, and the MediaConnect client has none: pass `region`, or set AWS_REGION for the worker',
    );
  }
}

/** When each activity attempt made its first call: its start, near enough (the attempt calls at once). */
const attemptStartedAtMs = new WeakMap<Context, number>();

function activityContext(): Context | undefined {
  try {
    const context = Context.current();
    if (!attemptStartedAtMs.has(context)) attemptStartedAtMs.set(context, Date.now());
    return context;
  } catch {
    return undefined; // called outside an activity (a plain unit test): no budget, nothing to cancel
  }
}

/**
 * The longest wait for the budget this attempt can afford: what its start-to-close (and
 * schedule-to-close) timeout leaves once a call and its report have had their time.
 */
function affordableWaitMs(context: Context, callTimeoutMs: number): number {
  const { info } = context;
  const now = Date.now();
  const deadlines = [
    info.startToCloseTimeoutMs > 0 ? (attemptStartedAtMs.get(context) ?? now) + info.startToCloseTimeoutMs : Infinity,
    info.scheduleToCloseTimeoutMs > 0 ? info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs : Infinity,
  ];
  return Math.max(0, Math.min(...deadlines) - now - callTimeoutMs - REPORT_MARGIN_MS);
}

/** A call that got no answer within `callTimeoutMs`: retryable, like any network failure. */
function noAnswer(operation: string, flowArn: string | undefined, callTimeoutMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: AwsErrorName.Network,
    message: `${operation}${flowArn ? ` for ${flowArn}` : ''} failed: no answer from MediaConnect within ${callTimeoutMs / 1000} s`,
    details: [{ operation, flowArn, networkCode: 'TimeoutError' }],
  });
}

function knownStatus(status: string | undefined, flowArn: string): FlowStatus {
  if (isFlowStatus(status)) return status;
  throw ApplicationFailure.create({
    type: FailureType.UnknownFlowStatus,
    message: `MediaConnect reported status "${status}" for ${flowArn}, which this package does not know`,
    nonRetryable: true,
  });
}

/**
 * Wraps a MediaConnect SDK error in the ApplicationFailure Temporal records: `type` is the AWS
 * error name, the message carries the service's message and the flow, and the details carry the
 * HTTP status and request id (never the request, its headers or credentials).
 */
export function toApplicationFailure(
  operation: string,
  flowArn: string | undefined,
  error: unknown,
): ApplicationFailure {
  return failureOf(operation, flowArn, classifyMediaConnectError(error, Date.now()));
}

function failureOf(operation: string, flowArn: string | undefined, classified: ClassifiedError): ApplicationFailure {
  const subject = flowArn ? ` for ${flowArn}` : '';
  const where =
    classified.name === FailureType.MissingCredentials
      ? ' (no request was sent)'
      : classified.httpStatus === undefined
        ? ` (no answer from MediaConnect${classified.networkCode ? `: ${classified.networkCode}` : ''})`
        : ` (HTTP ${classified.httpStatus}${classified.requestId ? `, request id ${classified.requestId}` : ''})`;
  return ApplicationFailure.create({
    type: classified.name,
    message: redactCredentials(`${operation}${subject} failed: ${classified.message}${where}`),
    nonRetryable: !classified.retryable,
    details: [
      {
        operation,
        flowArn,
        httpStatus: classified.httpStatus,
        requestId: classified.requestId,
        networkCode: classified.networkCode,
      },
    ],
    ...(classified.retryAfterMs !== undefined && { nextRetryDelay: classified.retryAfterMs }),
  });
}
