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
import type { takeFlowOffline, TakeFlowOfflineInput } from '../workflows/take-flow-offline';
import type { takeFleetOffline, TakeFleetOfflineInput } from '../workflows/take-fleet-offline';
import { checkTakeFleetOfflineInput } from '../common/take-fleet-offline-input';
import { checkEventDayInput } from '../common/event-day-input';
import type { eventDay, EventDayInput } from '../workflows/event-day';

/**
 * The workflow id of the bring-up of a flow: `bring-flow-online:<name>:<region>:<account>:<flow id>`.
 * One flow, one id: a second start for the same flow attaches to the bring-up already running
 * instead of starting another. The flow's name comes first so that it is what operators read in
 * the Web UI's list (the region determines the partition, so the id stays unique).
 */
export function bringFlowOnlineWorkflowId(flowArn: string): string {
  return flowWorkflowId('bring-flow-online', flowArn);
}

/**
 * The workflow id of the take-offline of a flow: `take-flow-offline:<name>:<region>:<account>:<flow id>`.
 * One flow, one id, as for {@link bringFlowOnlineWorkflowId}: a second start attaches to the
 * take-offline already running, and an EventBridge forwarder can signal it knowing only the ARN.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` for a malformed ARN.
 */
export function takeFlowOfflineWorkflowId(flowArn: string): string {
  return flowWorkflowId('take-flow-offline', flowArn);
}

function flowWorkflowId(prefix: string, flowArn: string): string {
  const { flowName, region, accountId, flowId } = parseFlowArn(flowArn);
  return `${prefix}:${flowName}:${region}:${accountId}:${flowId}`;
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
  return startFlowWorkflow<typeof bringFlowOnline>(client, 'bringFlowOnline', input, options, {
    workflowId: bringFlowOnlineWorkflowId(flow.arn),
    flow,
    staticSummary: `Bring ${flow.flowName} online`,
  });
}

/** Options of {@link startTakeFlowOffline}: those of {@link startBringFlowOnline}. */
export type StartTakeFlowOfflineOptions = StartBringFlowOnlineOptions;

/**
 * Starts `takeFlowOffline` for a flow (workflow id {@link takeFlowOfflineWorkflowId}), or attaches
 * to the take-offline already running for it. The input is checked here first, so bad input never
 * reaches Temporal.
 *
 * ```ts
 * const handle = await startTakeFlowOffline(client, { flowArn });
 * const { standbyAt } = await handle.result();
 * ```
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` for a malformed ARN, or `InvalidInput` for a
 * malformed option (nothing is started).
 */
export async function startTakeFlowOffline(
  client: Client,
  input: TakeFlowOfflineInput,
  options: StartTakeFlowOfflineOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof takeFlowOffline>> {
  const { flow } = checkBringFlowOnlineInput(input, 'startTakeFlowOffline');
  return startFlowWorkflow<typeof takeFlowOffline>(client, 'takeFlowOffline', input, options, {
    workflowId: takeFlowOfflineWorkflowId(flow.arn),
    flow,
    staticSummary: `Take ${flow.flowName} offline`,
  });
}

/** Starts a workflow of one flow under its deterministic id, with the flow's summary and search attributes. */
async function startFlowWorkflow<W extends typeof bringFlowOnline | typeof takeFlowOffline>(
  client: Client,
  workflowType: string,
  input: Parameters<W>[0],
  options: StartBringFlowOnlineOptions,
  { workflowId, flow, staticSummary }: { workflowId: string; flow: FlowArnParts; staticSummary: string },
): Promise<WorkflowHandleWithFirstExecutionRunId<W>> {
  const searchAttributes = options.searchAttributes ?? true;
  const startOptions = {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    // Once a workflow of the flow has finished, the same flow may be brought online or taken offline again later.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary,
    staticDetails: flowDetailsMarkdown(flow),
    ...(searchAttributes && {
      typedSearchAttributes: [
        { key: FlowNameSearchAttribute, value: flow.flowName },
        { key: FlowRegionSearchAttribute, value: flow.region },
        { key: FlowArnSearchAttribute, value: flow.arn },
      ],
    }),
    ...options.workflowOptions,
  } as WorkflowStartOptions;
  const started = client.workflow.start(workflowType, startOptions) as Promise<
    WorkflowHandleWithFirstExecutionRunId<W>
  >;
  return started.catch((err: Error) => {
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
  return startFleetWorkflow<typeof bringFleetOnline>(client, 'bringFleetOnline', input, options, {
    flows,
    staticSummary: `Bring ${flows.length} flows online`,
    caller: 'startBringFleetOnline',
  });
}

/** Options of {@link startTakeFleetOffline}: those of {@link startBringFleetOnline}. */
export type StartTakeFleetOfflineOptions = StartBringFleetOnlineOptions;

/**
 * Starts `takeFleetOffline` for a list of flows under the caller's workflow id. The input is checked
 * here first (the workflow's own checks): one malformed ARN, a duplicate or a bad option stops nothing.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` naming the position of a malformed ARN, or `InvalidInput`.
 */
export async function startTakeFleetOffline(
  client: Client,
  input: TakeFleetOfflineInput,
  options: StartTakeFleetOfflineOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof takeFleetOffline>> {
  const { flows } = checkTakeFleetOfflineInput(input);
  return startFleetWorkflow<typeof takeFleetOffline>(client, 'takeFleetOffline', input, options, {
    flows,
    staticSummary: `Take ${flows.length} flows offline`,
    caller: 'startTakeFleetOffline',
  });
}

/** Starts a fleet workflow under the caller's workflow id, with the fleet's summary and region search attribute. */
async function startFleetWorkflow<W extends typeof bringFleetOnline | typeof takeFleetOffline>(
  client: Client,
  workflowType: string,
  input: Parameters<W>[0],
  options: StartBringFleetOnlineOptions,
  { flows, staticSummary, caller }: { flows: FlowArnParts[]; staticSummary: string; caller: string },
): Promise<WorkflowHandleWithFirstExecutionRunId<W>> {
  if (typeof options?.workflowId !== 'string' || options.workflowId.trim() === '')
    throw invalidInput(`${caller} needs a workflowId, for example "event-day-2026-11-26"`);
  const regions = [...new Set(flows.map((flow) => flow.region))].sort();
  const searchAttributes = options.searchAttributes ?? true;
  const startOptions = {
    args: [input],
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId,
    staticSummary,
    staticDetails: fleetDetailsMarkdown(flows),
    // The fleet carries the attribute even when its flows span regions: its bring-ups inherit them from it.
    ...(searchAttributes && {
      typedSearchAttributes: [{ key: FlowRegionSearchAttribute, value: regions.join(',') }],
    }),
  } as WorkflowStartOptions;
  const started = client.workflow.start(workflowType, startOptions) as Promise<
    WorkflowHandleWithFirstExecutionRunId<W>
  >;
  return started.catch((err: Error) => {
    throw searchAttributesUndeclared(err, searchAttributes);
  });
}

export interface StartEventDayOptions {
  /** The event day's workflow id, for example `event-day-2026-11-28`; its children are `<id>/online`, `<id>/restart-...`, `<id>/offline`. */
  workflowId: string;
  /** Task queue of the worker that runs this package. @default 'mediaconnect' */
  taskQueue?: string;
  /**
   * Set `MediaConnectRegion` on the event day (its flows' regions, sorted and joined by commas), which
   * also makes it keep `MediaConnectFlowStatus` up to date (ACTIVE when every flow is, ERROR when one
   * is, ...) and gives its bring-ups their flow's name and region. The namespace must declare them.
   * @default true
   */
  searchAttributes?: boolean;
}

/**
 * Starts `eventDay` under the caller's workflow id. The input is checked here first (the workflow's
 * own checks, against this machine's clock): a malformed ARN, times out of order or an event already
 * over start nothing. `Date`s are sent as ISO 8601 times; relative times (`'30m'`) count from the
 * workflow's start.
 *
 * ```ts
 * const handle = await startEventDay(client, { flowArns, onlineBy: '2026-11-28T19:00:00Z', offlineAt: '2026-11-28T23:00:00Z', leadTime: '20m' }, { workflowId: 'awards-2026' });
 * const report = await handle.result();
 * ```
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` naming the position of a malformed ARN, or `InvalidInput`.
 */
export async function startEventDay(
  client: Client,
  input: EventDayInput,
  options: StartEventDayOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof eventDay>> {
  const checked = checkEventDayInput(input, Date.now());
  if (typeof options?.workflowId !== 'string' || options.workflowId.trim() === '')
    throw invalidInput('startEventDay needs a workflowId, for example "event-day-2026-11-28"');
  const regions = [...new Set(checked.flows.map((flow) => flow.region))].sort();
  const searchAttributes = options.searchAttributes ?? true;
  const sent: EventDayInput = {
    ...input,
    onlineBy: input.onlineBy instanceof Date ? input.onlineBy.toISOString() : input.onlineBy,
    offlineAt: input.offlineAt instanceof Date ? input.offlineAt.toISOString() : input.offlineAt,
  };
  return client.workflow
    .start<typeof eventDay>('eventDay', {
      args: [sent],
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      workflowId: options.workflowId,
      staticSummary: `Event day: ${checked.flows.length} flows online by ${new Date(checked.onlineByMs).toISOString()}`,
      staticDetails: fleetDetailsMarkdown(checked.flows),
      ...(searchAttributes && {
        typedSearchAttributes: [{ key: FlowRegionSearchAttribute, value: regions.join(',') }],
      }),
    })
    .catch((err: Error) => {
      throw searchAttributesUndeclared(err, searchAttributes);
    });
}
