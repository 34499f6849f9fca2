import { ApplicationFailure } from '@temporalio/common';
import {
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { parseFlowArn, regionProblem } from '../common/arn';
import { AwsErrorName, invalidInput } from '../common/failure-types';
import { FlowStatus, isFlowStatus, isStartedStatus } from '../common/flow-status';
import {
  LIST_FLOWS_PAGE_SIZE,
  listFlowsPages,
  type ReadFlowStatusesInput,
  type ReadFlowStatusesResult,
} from '../common/flow-status-reads';
import {
  activityContext,
  affordableWaitMs,
  callMediaConnect,
  knownStatus,
  type MediaConnectCaller,
} from './mediaconnect-call';
import { observeBudgetWait } from './metrics';
import { readFlowStatuses } from './read-flow-statuses';
import { RegionalMediaConnectClients } from './regional-clients';
import type { RequestBudget } from './request-budget-client';

export { toApplicationFailure } from './mediaconnect-call';

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

export interface StopFlowResult {
  flowArn: string;
  /** The status MediaConnect reported: normally `STOPPING`. */
  status: FlowStatus;
  /** True when the flow was already STOPPING or STANDBY, so no new stop was needed. */
  alreadyStopped: boolean;
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
 * some endpoints, for example after an earlier attempt whose answer was lost), and StopFlow refusals
 * that can mean "already stopping or stopped": settled by reading the status.
 */
const MAYBE_ALREADY_DONE: ReadonlySet<string> = new Set([AwsErrorName.BadRequest, AwsErrorName.Conflict]);
/** What a StopFlow refused with one of the same errors settles on: the flow is already being stopped, or stopped. */
const STOPPED_STATUSES: ReadonlySet<string> = new Set([FlowStatus.STOPPING, FlowStatus.STANDBY]);

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
  const caller: MediaConnectCaller = { clients: new RegionalMediaConnectClients(client), requestBudget, callTimeoutMs };
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
    startFlow: (ref: FlowRef): Promise<StartFlowResult> => startFlow(caller, ref),
    /** Reads a flow's status and error messages (MediaConnect DescribeFlow). Same failures as startFlow. */
    describeFlow: async ({ flowArn }: FlowRef): Promise<DescribeFlowResult> =>
      describe(caller, flowArn, parseFlowArn(flowArn).region),
    /**
     * Stops a flow (MediaConnect StopFlow). Idempotent: when MediaConnect refuses the stop (400 or
     * 409) and the flow turns out to be already STOPPING or STANDBY (an earlier attempt whose answer
     * was lost, or someone else's stop), it reports that status with `alreadyStopped: true`.
     * Same failures as startFlow.
     */
    stopFlow: (ref: FlowRef): Promise<StopFlowResult> => stopFlow(caller, ref),
    /**
     * Reads the status of every flow in the account and one region (`region`, the worker's by
     * default) with ListFlows, up to 1000 flows per call: the cheap way to watch many flows at once.
     */
    listFlowStatuses: (input: ListFlowStatusesInput = {}): Promise<ListFlowStatusesResult> =>
      listFlowStatuses(caller, input),
    /**
     * Reads the statuses of some flows of one region, with ListFlows (filtered here) or one
     * DescribeFlow per flow, and returns only the flows whose status differs from the one the
     * caller gave, and those MediaConnect does not report: the read's answer never holds the rest
     * of the account. What a fleet watches its flows with.
     */
    readFlowStatuses: (input: ReadFlowStatusesInput): Promise<ReadFlowStatusesResult> =>
      readSomeFlowStatuses(caller, input),
  };
}

/** The activities' type, for `proxyActivities<MediaConnectActivities>()` in workflow code. */
export type MediaConnectActivities = ReturnType<typeof createActivities>;

async function describe(caller: MediaConnectCaller, flowArn: string, region: string): Promise<DescribeFlowResult> {
  const output = await callMediaConnect(caller, 'DescribeFlow', region, flowArn, (regionClient, abortSignal) =>
    regionClient.send(new DescribeFlowCommand({ FlowArn: flowArn }), { abortSignal }),
  );
  return { flowArn, status: knownStatus(output.Flow?.Status, flowArn), errors: output.Messages?.Errors ?? [] };
}

async function startFlow(caller: MediaConnectCaller, { flowArn }: FlowRef): Promise<StartFlowResult> {
  const { region } = parseFlowArn(flowArn);
  try {
    const output = await callMediaConnect(caller, 'StartFlow', region, flowArn, (regionClient, abortSignal) =>
      regionClient.send(new StartFlowCommand({ FlowArn: flowArn }), { abortSignal }),
    );
    return { flowArn, status: knownStatus(output.Status, flowArn), alreadyStarted: false };
  } catch (failure) {
    const status = await settledByStatus(caller, flowArn, region, failure, isStartedStatus);
    return { flowArn, status, alreadyStarted: true };
  }
}

async function stopFlow(caller: MediaConnectCaller, { flowArn }: FlowRef): Promise<StopFlowResult> {
  const { region } = parseFlowArn(flowArn);
  try {
    const output = await callMediaConnect(caller, 'StopFlow', region, flowArn, (regionClient, abortSignal) =>
      regionClient.send(new StopFlowCommand({ FlowArn: flowArn }), { abortSignal }),
    );
    return { flowArn, status: knownStatus(output.Status, flowArn), alreadyStopped: false };
  } catch (failure) {
    const status = await settledByStatus(caller, flowArn, region, failure, (s) => STOPPED_STATUSES.has(s));
    return { flowArn, status, alreadyStopped: true };
  }
}

/**
 * A StartFlow or StopFlow refused with 400 or 409 may have nothing left to do: the status read
 * now, when `done` says it is what the call was for; otherwise the refusal is rethrown.
 */
async function settledByStatus(
  caller: MediaConnectCaller,
  flowArn: string,
  region: string,
  failure: unknown,
  done: (status: FlowStatus) => boolean,
): Promise<FlowStatus> {
  if (!(failure instanceof ApplicationFailure) || !MAYBE_ALREADY_DONE.has(failure.type ?? '')) throw failure;
  const current = await describe(caller, flowArn, region);
  if (!done(current.status)) throw failure;
  return current.status;
}

async function listFlowStatuses(
  caller: MediaConnectCaller,
  { maxResults = 1000, region: requested }: ListFlowStatusesInput,
): Promise<ListFlowStatusesResult> {
  const region = requested ?? (await defaultRegion(caller.clients));
  const problem = regionProblem(region);
  if (problem !== undefined) throw invalidInput(`listFlowStatuses: ${problem}`);
  const statuses: Record<string, FlowStatus> = {};
  let nextToken: string | undefined;
  let calls = 0;
  do {
    const page = await callMediaConnect(caller, 'ListFlows', region, undefined, (regionClient, abortSignal) =>
      regionClient.send(new ListFlowsCommand({ MaxResults: maxResults, NextToken: nextToken }), { abortSignal }),
    );
    calls += 1;
    for (const flow of page.Flows ?? []) {
      if (flow.FlowArn && isFlowStatus(flow.Status)) statuses[flow.FlowArn] = flow.Status;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return { statuses, calls };
}

async function readSomeFlowStatuses(
  caller: MediaConnectCaller,
  input: ReadFlowStatusesInput,
): Promise<ReadFlowStatusesResult> {
  const problem = regionProblem(input?.region);
  if (problem !== undefined) throw invalidInput(`readFlowStatuses: ${problem}`);
  const tokens = reservePageTokens(caller, input);
  return readFlowStatuses(input, {
    listPage: async (nextToken, pageIndex) => {
      const page = await callMediaConnect(
        caller,
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
    describe: async (flowArn) => (await describe(caller, flowArn, parseFlowArn(flowArn).region)).status,
  });
}

/**
 * The pages of one ListFlows read reserve their tokens together (consecutive slots), and each
 * page goes out at its own slot: one at a time, each page would queue again behind every
 * StartFlow booked meanwhile, and a read of several pages would rarely finish while starts
 * are being issued. No reservation for a read of one page, or outside an activity.
 */
function reservePageTokens(
  { requestBudget, callTimeoutMs }: MediaConnectCaller,
  input: ReadFlowStatusesInput,
): Promise<void>[] {
  const context = activityContext();
  const pages = input.operation === 'ListFlows' ? listFlowsPages(input.accountFlows) : 0;
  if (!requestBudget || !context || pages <= 1) return [];
  const tokens = Array.from({ length: pages }, () =>
    observeBudgetWait(() => requestBudget.acquire(affordableWaitMs(context, callTimeoutMs), input.region)),
  );
  for (const token of tokens) token.catch(() => undefined); // a refusal fails the page that waits for it
  return tokens;
}

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
