import { ApplicationFailure } from '@temporalio/common';
import { flowArnProblem } from '../common/arn';
import { AwsErrorName, invalidInput } from '../common/failure-types';
import { isFlowStatus, type FlowStatus } from '../common/flow-status';
import {
  flowIdOf,
  UNKNOWN_STATUS,
  type ReadFlowStatusesInput,
  type ReadFlowStatusesResult,
} from '../common/flow-status-reads';

/** The two MediaConnect calls a read makes, each already budgeted, bounded and cancellable. */
export interface FlowStatusReader {
  /** One ListFlows page (the `pageIndex`th, from 0): every flow's ARN and status, and the token of the next page. */
  listPage(
    nextToken: string | undefined,
    pageIndex: number,
  ): Promise<{ flows: Array<{ flowArn?: string; status?: string }>; nextToken?: string }>;
  /** DescribeFlow of one flow: its status. */
  describe(flowArn: string): Promise<FlowStatus>;
}

/**
 * Reads the statuses of some flows of one region and returns only those that differ from what
 * the caller knows (see `ReadFlowStatusesInput`). ListFlows is filtered here, in the activity, so
 * the workflow's history never holds the rest of the account.
 */
export async function readFlowStatuses(
  input: ReadFlowStatusesInput,
  reader: FlowStatusReader,
): Promise<ReadFlowStatusesResult> {
  const known = knownStatuses(input);
  const changed: Record<string, FlowStatus> = {};
  const seen = new Set<string>();
  const note = (flowId: string, status: string | undefined) => {
    if (!known.has(flowId) || !isFlowStatus(status)) return;
    seen.add(flowId);
    if (known.get(flowId) !== status) changed[flowId] = status;
  };
  let calls = 0;
  let accountFlows: number | undefined;
  if (input.operation === 'ListFlows') {
    accountFlows = 0;
    let nextToken: string | undefined;
    do {
      const page = await reader.listPage(nextToken, calls);
      calls += 1;
      accountFlows += page.flows.length;
      for (const flow of page.flows) if (flow.flowArn) note(flowIdOf(flow.flowArn), flow.status);
      nextToken = page.nextToken;
    } while (nextToken);
  } else {
    const refs = Object.values(input.flows).flat();
    const statuses = await Promise.all(refs.map((flowArn) => reader.describe(flowArn).catch(unlessNotFound)));
    calls = refs.length;
    refs.forEach((flowArn, i) => note(flowIdOf(flowArn), statuses[i]));
  }
  const missing = [...known.keys()].filter((flowId) => !seen.has(flowId));
  return { changed, missing, calls, ...(accountFlows !== undefined && { accountFlows }) };
}

/** Flow id → the status the caller knows ('UNKNOWN' when none), checking the input on the way. */
function knownStatuses({ region, operation, flows, accountFlows }: ReadFlowStatusesInput): Map<string, string> {
  if (typeof region !== 'string' || region === '')
    throw invalidInput('readFlowStatuses: region must be a region name, for example us-east-1');
  if (operation !== 'ListFlows' && operation !== 'DescribeFlow')
    throw invalidInput(
      `readFlowStatuses: operation must be ListFlows or DescribeFlow, got ${JSON.stringify(operation)}`,
    );
  if (accountFlows !== undefined && !(Number.isInteger(accountFlows) && accountFlows >= 0))
    throw invalidInput(`readFlowStatuses: accountFlows must be a whole number, got ${JSON.stringify(accountFlows)}`);
  if (flows === null || typeof flows !== 'object')
    throw invalidInput('readFlowStatuses: flows must map a known status (or UNKNOWN) to flow ids or ARNs');
  const known = new Map<string, string>();
  for (const [status, refs] of Object.entries(flows)) {
    if (status !== UNKNOWN_STATUS && !isFlowStatus(status))
      throw invalidInput(`readFlowStatuses: ${JSON.stringify(status)} is not a flow status or UNKNOWN`);
    if (!Array.isArray(refs) || !refs.every((ref) => typeof ref === 'string' && ref !== ''))
      throw invalidInput(`readFlowStatuses: flows.${status} must be a list of flow ids or ARNs`);
    for (const ref of refs) {
      if (operation === 'DescribeFlow') {
        const problem = flowArnProblem(ref);
        if (problem !== undefined)
          throw invalidInput(`readFlowStatuses: a DescribeFlow read needs flow ARNs: ${problem}`);
        if (ref.split(':')[3] !== region)
          throw invalidInput(`readFlowStatuses: ${ref} is not in the region read, ${region}`);
      }
      known.set(flowIdOf(ref), status);
    }
  }
  return known;
}

/** A flow that no longer exists is reported missing; any other failure fails the read (and is retried). */
function unlessNotFound(failure: unknown): undefined {
  if (failure instanceof ApplicationFailure && failure.type === AwsErrorName.NotFound) return undefined;
  throw failure;
}
