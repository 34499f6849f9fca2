import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { parseFlowArn, type FlowArnParts } from '../common/arn';
import { checkBringFleetOnlineInput } from '../common/bring-fleet-online-input';
import { invalidInput } from '../common/failure-types';
import { checkBringFlowOnlineInput } from '../common/bring-flow-online-input';
import { detailsMarkdown } from '../common/details-markdown';
import {
  FlowArnSearchAttribute,
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
} from '../common/search-attributes';
import { DEFAULT_TASK_QUEUE } from '../common/task-queue';
import type { bringFlowOnline, BringFlowOnlineInput } from '../workflows/bring-flow-online';
import type { bringFleetOnline, BringFleetOnlineInput } from '../workflows/bring-fleet-online';

/**
 * The workflow id of the bring-up of a flow: `bring-flow-online:<name>:<region>:<account>:<flow id>`.
 * One flow, one id: a second start for the same flow attaches to the bring-up already running
 * instead of starting another. The flow's name comes first so that it is what operators read in
 * the Web UI's list (the region determines the partition, so the id stays unique).
 */
export function bringFlowOnlineWorkflowId(flowArn: string): string {
  const { flowName, region, accountId, flowId } = parseFlowArn(flowArn);
  return `bring-flow-online:${flowName}:${region}:${accountId}:${flowId}`;
}

export interface StartBringFlowOnlineOptions {
  /** Task queue of the worker that runs this package. @default 'mediaconnect' */
  taskQueue?: string;
  /**
   * Set the `MediaConnectFlowName`, `MediaConnectRegion` and `MediaConnectFlowArn` search attributes, which also makes
   * the workflow keep `MediaConnectFlowStatus` up to date. The namespace must declare them (see
   * the README); pass false on a namespace that does not.
   * @default true
   */
  searchAttributes?: boolean;
  /** Other start options (memo, ...), merged over this helper's. */
  workflowOptions?: Partial<Omit<WorkflowStartOptions<typeof bringFlowOnline>, 'args' | 'workflowId' | 'taskQueue'>>;
}

/**
 * Starts `bringFlowOnline` for a flow, or attaches to the bring-up already running for it.
 * The input is checked here first (the workflow's own checks), so bad input never reaches Temporal.
 *
 * ```ts
 * const handle = await startBringFlowOnline(client, { flowArn });
 * const { activeAt } = await handle.result();
 * ```
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` for a malformed ARN, or `InvalidInput` for a
 * malformed option (nothing is started).
 */
export async function startBringFlowOnline(
  client: Client,
  input: BringFlowOnlineInput,
  options: StartBringFlowOnlineOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof bringFlowOnline>> {
  const { flow } = checkBringFlowOnlineInput(input, 'startBringFlowOnline');
  const searchAttributes = options.searchAttributes ?? true;
  return client.workflow
    .start<typeof bringFlowOnline>('bringFlowOnline', {
      args: [input],
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId: bringFlowOnlineWorkflowId(flow.arn),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      // Once a bring-up has finished, the same flow may be brought online again later.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: `Bring ${flow.flowName} online`,
      staticDetails: flowDetailsMarkdown(flow),
      ...(searchAttributes && {
        typedSearchAttributes: [
          { key: FlowNameSearchAttribute, value: flow.flowName },
          { key: FlowRegionSearchAttribute, value: flow.region },
          { key: FlowArnSearchAttribute, value: flow.arn },
        ],
      }),
      ...options.workflowOptions,
    })
    .catch((err: Error) => {
      throw searchAttributesUndeclared(err, searchAttributes);
    });
}

/** A start refused because the namespace does not declare the search attributes set: say how to fix it. */
function searchAttributesUndeclared(err: Error, searchAttributes: boolean): Error {
  if (!searchAttributes || !/search attribute .*(not defined|not registered|unknown)/i.test(err.message)) return err;
  return new Error(
    `The namespace does not declare this package's search attributes (${err.message}). Declare them (README: "Search attributes") or pass { searchAttributes: false }.`,
    { cause: err },
  );
}

/** The Markdown shown as a bring-up's static details in the Temporal Web UI. */
export function flowDetailsMarkdown(flow: FlowArnParts): string {
  return detailsMarkdown(`**MediaConnect flow** ${flow.flowName}`, [
    `region: ${flow.region}`,
    `account: ${flow.accountId}`,
    `flow id: ${flow.flowId}`,
    `ARN: \`${flow.arn}\``,
  ]);
}

/** The Markdown shown as a fleet's static details: its flows, the first 50 of them by name. */
export function fleetDetailsMarkdown(flows: readonly FlowArnParts[]): string {
  const listed = flows.slice(0, 50).map((flow) => `${flow.flowName} (${flow.region})`);
  if (flows.length > listed.length) listed.push(`... and ${flows.length - listed.length} more`);
  return detailsMarkdown(`**MediaConnect fleet** of ${flows.length} flows`, listed);
}

export interface StartBringFleetOnlineOptions {
  /** The fleet's workflow id, for example `event-day-2026-11-26`; its bring-ups are `<id>/<flow name>-<flow id>`. */
  workflowId: string;
  /** Task queue of the worker that runs this package. @default 'mediaconnect' */
  taskQueue?: string;
  /**
   * Set the package's search attributes on the fleet, and so on every bring-up (each with its own
   * flow's name and region). A fleet's `MediaConnectRegion` is its flows' region, or its regions
   * sorted and joined by commas (`eu-west-1,us-east-1`) when they span several. @default true
   */
  searchAttributes?: boolean;
}

/**
 * Starts `bringFleetOnline` for a list of flows under the caller's workflow id. The input is checked
 * here first (the workflow's own checks): one malformed ARN, a duplicate or a bad option starts nothing.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` naming the position of a malformed ARN, or `InvalidInput`.
 */
export async function startBringFleetOnline(
  client: Client,
  input: BringFleetOnlineInput,
  options: StartBringFleetOnlineOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof bringFleetOnline>> {
  const { flows } = checkBringFleetOnlineInput(input);
  if (typeof options?.workflowId !== 'string' || options.workflowId.trim() === '')
    throw invalidInput('startBringFleetOnline needs a workflowId, for example "event-day-2026-11-26"');
  const regions = [...new Set(flows.map((flow) => flow.region))].sort();
  const searchAttributes = options.searchAttributes ?? true;
  return client.workflow
    .start<typeof bringFleetOnline>('bringFleetOnline', {
      args: [input],
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId: options.workflowId,
      staticSummary: `Bring ${flows.length} flows online`,
      staticDetails: fleetDetailsMarkdown(flows),
      // The fleet carries the attribute even when its flows span regions: its bring-ups inherit them from it.
      ...(searchAttributes && {
        typedSearchAttributes: [{ key: FlowRegionSearchAttribute, value: regions.join(',') }],
      }),
    })
    .catch((err: Error) => {
      throw searchAttributesUndeclared(err, searchAttributes);
    });
}
