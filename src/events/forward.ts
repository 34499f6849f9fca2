/**
 * The EventBridge fast path: a MediaConnect "Flow Status Change" event becomes a
 * `flowStatusChanged` signal to every running workflow waiting on that flow.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { LogMetadata } from '@temporalio/common';
import { bringFlowOnlineWorkflowId, takeFlowOfflineWorkflowId } from '../client';
import { BRING_UP_DECISIVE_STATUSES, type FlowStatus } from '../common/flow-status';
import { FlowArnSearchAttribute } from '../common/search-attributes';
import type { FlowStatusChange } from '../workflows/bring-flow-online';
import { checkFlowStatusEvent } from './flow-status-event';
import { isNoSuchWorkflow, isUndeclaredSearchAttribute } from './forward-errors';

/** Where the forwarder's log lines go: `console` by default, or a Temporal `Logger`. */
export interface ForwarderLogger {
  info(message: string, meta?: LogMetadata): unknown;
  warn(message: string, meta?: LogMetadata): unknown;
}

/** Options of {@link forwardFlowStatusChange}. */
export interface ForwardFlowStatusChangeOptions {
  /**
   * Workflow types that watch many flows and take every flow's changes (they read `flowArn` and
   * drop the others): each running one gets every event. Pass `[]` for none.
   * @default ['eventDay', 'takeFleetOffline']
   */
  watcherWorkflowTypes?: readonly string[];
  /**
   * Find workflows by the `MediaConnectFlowArn` search attribute (fleet children, and every
   * bring-up started with search attributes). Pass false on a namespace that does not declare it:
   * only the deterministic ids and the watchers are then reached.
   * @default true
   */
  searchAttribute?: boolean;
  /**
   * The deterministic workflow ids of a flow's own workflows, signalled without any lookup.
   * @default (flowArn) => [bringFlowOnlineWorkflowId(flowArn), takeFlowOfflineWorkflowId(flowArn)]
   */
  workflowIds?: (flowArn: string) => readonly string[];
  /**
   * At most this many workflows are taken from each visibility query (the rest are logged as
   * left out): bounds the work of one event.
   * @default 100
   */
  maxLookupResults?: number;
  /** @default console, one JSON object a line */
  logger?: ForwarderLogger;
}

/** What {@link forwardFlowStatusChange} did with an event. */
export type ForwardFlowStatusChangeResult =
  | {
      outcome: 'forwarded';
      flowArn: string;
      /** The signal sent. */
      change: FlowStatusChange;
      /** Workflow ids signalled, sorted. */
      signalled: string[];
      /** Workflow ids tried that were not running (a deterministic id with nothing running under it). */
      notRunning: string[];
      /** Lookups that could not run, and why (e.g. the namespace does not declare `MediaConnectFlowArn`). */
      skipped: string[];
    }
  | {
      /** Not a MediaConnect flow status change, or a malformed one: logged, nothing signalled. */
      outcome: 'dropped';
      reason: string;
    };

export const DEFAULT_WATCHER_WORKFLOW_TYPES: readonly string[] = ['eventDay', 'takeFleetOffline'];
const DEFAULT_MAX_LOOKUP_RESULTS = 100;
/** `flowStatusChangedSignal`'s name: by name, so that no workflow code is loaded into a Lambda. */
const FLOW_STATUS_CHANGED = 'flowStatusChanged';
/** What a workflow type name may hold here: it goes into a visibility query between quotes. */
export const WORKFLOW_TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;

/**
 * Forwards a MediaConnect "Flow Status Change" EventBridge event to every running workflow that
 * waits on its flow, as a `flowStatusChanged` signal (unconfirmed: each workflow wakes and reads
 * the status itself). Call it from your own event handler, or deploy the ready Lambda
 * (`temporal-mediaconnect/lambda`).
 *
 * It signals, each workflow id once:
 * 1. the flow's deterministic ids (`workflowIds`: its bring-up and its take-offline), whatever the
 *    namespace declares;
 * 2. `ExecutionStatus = 'Running' AND MediaConnectFlowArn = '<arn>'` (bring-ups started with search
 *    attributes), unless `searchAttribute` is false or the namespace lacks it; a fleet's bring-up (id
 *    `<fleet id>/<name>-<flow id>`, its parent the fleet) through its fleet, which confirms the changes
 *    of many flows with one read and signals the bring-ups confirmed changes;
 * 3. `ExecutionStatus = 'Running' AND WorkflowType IN (<watcherWorkflowTypes>)`.
 * Visibility lags: a workflow started a moment before the event may be missed by 2 and 3; its
 * timer loop then sees the change at its next status check.
 *
 * Never throws for the event: anything that is not a well-formed flow status change comes back as
 * `dropped` (and is logged), and a workflow that is not running is no error.
 *
 * @throws the Temporal error when a lookup or a signal fails otherwise (Temporal unavailable, a
 * timeout, a refused API key), after every other signal was tried: the caller should fail, so
 * that Lambda retries the event (duplicates are harmless: a signal only wakes a waiter).
 * @throws TypeError for options that cannot work (named), before any call.
 */
export async function forwardFlowStatusChange(
  client: Client,
  event: unknown,
  options: ForwardFlowStatusChangeOptions = {},
): Promise<ForwardFlowStatusChangeResult> {
  const settings = checkOptions(options);
  const { logger } = settings;
  const checked = checkFlowStatusEvent(event);
  if (!checked.ok) {
    logger.warn('Dropped an event that is not a MediaConnect flow status change', { reason: checked.reason });
    return { outcome: 'dropped', reason: checked.reason };
  }
  const { flowArn, change } = checked;
  const skipped: string[] = [];
  const signalled: string[] = [];
  const notRunning: string[] = [];
  const failures: unknown[] = [];
  const signal = async (workflowId: string) => {
    try {
      await client.workflow.getHandle(workflowId).signal<[FlowStatusChange]>(FLOW_STATUS_CHANGED, change);
      signalled.push(workflowId);
    } catch (err) {
      if (isNoSuchWorkflow(err)) notRunning.push(workflowId);
      else failures.push(err);
    }
  };
  // The deterministic ids need no lookup: they are signalled while the lookups run (and when they fail).
  const direct = new Set(settings.workflowIds(flowArn));
  const signalledDirectly = Promise.all([...direct].map(signal));
  const found = await findRunning(client, flowArn, change.currentStatus, settings, skipped).catch((err: unknown) => {
    failures.push(err);
    return [];
  });
  await Promise.all([signalledDirectly, ...[...new Set(found)].filter((id) => !direct.has(id)).map(signal)]);
  signalled.sort();
  notRunning.sort();
  const meta = { flowArn, currentStatus: change.currentStatus, signalled, notRunning, skipped };
  if (failures.length > 0) {
    logger.warn('Could not forward a flow status change to every workflow: failing, so that it is retried', {
      ...meta,
      errors: failures.map(String),
    });
    throw failures[0];
  }
  logger.info('Forwarded a flow status change', meta);
  return { outcome: 'forwarded', flowArn, change, signalled, notRunning, skipped };
}

interface ForwarderSettings {
  watcherWorkflowTypes: readonly string[];
  searchAttribute: boolean;
  workflowIds: (flowArn: string) => readonly string[];
  maxLookupResults: number;
  logger: ForwarderLogger;
}

function checkOptions(options: ForwardFlowStatusChangeOptions): ForwarderSettings {
  const watcherWorkflowTypes = options.watcherWorkflowTypes ?? DEFAULT_WATCHER_WORKFLOW_TYPES;
  if (!Array.isArray(watcherWorkflowTypes))
    throw new TypeError('watcherWorkflowTypes must be an array of workflow type names, for example ["eventDay"]');
  for (const type of watcherWorkflowTypes) {
    if (typeof type !== 'string' || !WORKFLOW_TYPE_NAME.test(type))
      throw new TypeError(
        `watcherWorkflowTypes holds ${JSON.stringify(type)}: a workflow type name is letters, digits, "_", "." and "-"`,
      );
  }
  const maxLookupResults = options.maxLookupResults ?? DEFAULT_MAX_LOOKUP_RESULTS;
  if (!Number.isInteger(maxLookupResults) || maxLookupResults < 1 || maxLookupResults > 10_000)
    throw new TypeError(`maxLookupResults must be a whole number from 1 to 10000, got ${String(maxLookupResults)}`);
  return {
    watcherWorkflowTypes,
    searchAttribute: options.searchAttribute ?? true,
    workflowIds: options.workflowIds ?? defaultWorkflowIds,
    maxLookupResults,
    logger: options.logger ?? consoleLogger,
  };
}

/** The running workflows the visibility queries find for a flow (lookups 2 and 3 above, at once). */
async function findRunning(
  client: Client,
  flowArn: string,
  currentStatus: string | undefined,
  settings: ForwarderSettings,
  skipped: string[],
): Promise<string[]> {
  const lookups: Promise<string[]>[] = [];
  if (settings.searchAttribute) {
    // The ARN passed flowArnProblem: letters, digits, ":", ".", "_" and "-" only, nothing to escape.
    const query = `ExecutionStatus = 'Running' AND ${FlowArnSearchAttribute.name} = '${flowArn}'`;
    lookups.push(
      list(client, query, settings, fleetOfBringUp(flowArn, currentStatus)).catch((err: unknown) => {
        if (!isUndeclaredSearchAttribute(err, FlowArnSearchAttribute.name)) throw err;
        skipped.push(`the namespace does not declare the ${FlowArnSearchAttribute.name} search attribute`);
        return [];
      }),
    );
  }
  if (settings.watcherWorkflowTypes.length > 0) {
    const types = settings.watcherWorkflowTypes.map((type) => `'${type}'`).join(', ');
    lookups.push(list(client, `ExecutionStatus = 'Running' AND WorkflowType IN (${types})`, settings));
  }
  return (await Promise.all(lookups)).flat();
}

/**
 * A fleet's bring-up of `flowArn` (id `<fleet id>/<name>-<flow id>`, started by its fleet) is reached
 * through its fleet: the fleet confirms the changes of many flows with one read and signals each
 * bring-up a confirmed change. Returns the fleet's id for a fleet bring-up, else the workflow's own;
 * undefined (nobody to signal) for a fleet bring-up and a status that changes nothing for it
 * (STARTING, UPDATING): the fleet would drop it, after writing it to its history.
 */
function fleetOfBringUp(
  flowArn: string,
  status: string | undefined,
): (execution: WorkflowExecutionInfo) => string | undefined {
  const [, , , , , , flowId, name] = flowArn.split(':');
  const decisive = BRING_UP_DECISIVE_STATUSES.has(status as FlowStatus);
  return ({ workflowId, parentExecution }) => {
    const fleetId = parentExecution?.workflowId;
    if (!fleetId || workflowId !== `${fleetId}/${name}-${flowId}`) return workflowId;
    return decisive ? fleetId : undefined;
  };
}

async function list(
  client: Client,
  query: string,
  settings: ForwarderSettings,
  target: (execution: WorkflowExecutionInfo) => string | undefined = (execution) => execution.workflowId,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: settings.maxLookupResults })) {
    if (ids.length === settings.maxLookupResults) {
      settings.logger.warn('A lookup found more running workflows than maxLookupResults: the rest are not signalled', {
        query,
        maxLookupResults: settings.maxLookupResults,
      });
      break;
    }
    const id = target(execution);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** A flow's bring-up and take-offline, by their deterministic ids. */
function defaultWorkflowIds(flowArn: string): string[] {
  return [bringFlowOnlineWorkflowId(flowArn), takeFlowOfflineWorkflowId(flowArn)];
}

/** One JSON object a line on the console: what CloudWatch Logs reads best. */
const consoleLogger: ForwarderLogger = {
  info: (message, meta) => console.info(JSON.stringify({ level: 'INFO', message, ...meta })),
  warn: (message, meta) => console.warn(JSON.stringify({ level: 'WARN', message, ...meta })),
};
