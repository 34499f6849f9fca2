/**
 * The EventBridge event MediaConnect publishes when a flow's status changes, and the check that
 * turns one into a `flowStatusChanged` payload. Pure: no I/O.
 */
import { flowArnProblem } from '../common/arn';
import { isFlowStatus, type FlowStatus } from '../common/flow-status';
import type { FlowStatusChange } from '../workflows/bring-flow-online';

/** The `source` of every MediaConnect event. */
export const MEDIACONNECT_EVENT_SOURCE = 'aws.mediaconnect';
/** The `detail-type` of a flow's status change. */
export const FLOW_STATUS_CHANGE_DETAIL_TYPE = 'MediaConnect Flow Status Change';

/**
 * An EventBridge event as it reaches a target (Lambda, an API destination): the envelope
 * EventBridge adds to every event and the service's `detail`. Declared here so that no consumer
 * needs `@types/aws-lambda`.
 */
export interface EventBridgeEvent<TDetailType extends string = string, TDetail = unknown> {
  version: string;
  id: string;
  'detail-type': TDetailType;
  source: string;
  account: string;
  /** When the event happened, ISO 8601. */
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

/** MediaConnect's "MediaConnect Flow Status Change" event: `resources` holds the flow's ARN. */
export type FlowStatusChangeEvent = EventBridgeEvent<
  typeof FLOW_STATUS_CHANGE_DETAIL_TYPE,
  { previousStatus: FlowStatus; currentStatus: FlowStatus }
>;

/** A checked event: the flow and the signal payload for the workflows waiting on it. */
export type CheckedFlowStatusEvent =
  { ok: true; flowArn: string; change: FlowStatusChange } | { ok: false; reason: string };

/** The longest piece of an event that goes into a log line or a reason. */
const QUOTE_LIMIT = 120;

/**
 * Checks that `event` is a MediaConnect flow status change (source, detail-type, one flow ARN in
 * `resources` that agrees with the envelope's account and region, known statuses) and turns it
 * into a signal payload. Never throws: anything else comes back with the reason it is not one.
 */
export function checkFlowStatusEvent(event: unknown): CheckedFlowStatusEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event))
    return drop(`the event is not an object, got ${describe(event)}`);
  const envelope = event as Partial<Record<keyof EventBridgeEvent, unknown>>;
  if (envelope.source !== MEDIACONNECT_EVENT_SOURCE)
    return drop(`source is ${quote(envelope.source)}, not "${MEDIACONNECT_EVENT_SOURCE}"`);
  if (envelope['detail-type'] !== FLOW_STATUS_CHANGE_DETAIL_TYPE)
    return drop(`detail-type is ${quote(envelope['detail-type'])}, not "${FLOW_STATUS_CHANGE_DETAIL_TYPE}"`);
  const { resources, detail } = envelope;
  if (!Array.isArray(resources) || resources.length !== 1)
    return drop(`resources must hold exactly one flow ARN, got ${describe(resources)}`);
  const flowArn: unknown = resources[0];
  const problem = flowArnProblem(flowArn);
  if (problem !== undefined || typeof flowArn !== 'string') return drop(`resources[0] is not a flow ARN: ${problem}`);
  const [, , , region, account] = flowArn.split(':');
  if (envelope.region !== undefined && envelope.region !== region)
    return drop(`the event's region ${quote(envelope.region)} is not its flow's (${region})`);
  if (envelope.account !== undefined && envelope.account !== account)
    return drop(`the event's account ${quote(envelope.account)} is not its flow's (${account})`);
  if (detail === null || typeof detail !== 'object') return drop(`detail is not an object, got ${describe(detail)}`);
  const { currentStatus, previousStatus } = detail as Record<string, unknown>;
  if (!isFlowStatus(currentStatus)) return drop(`detail.currentStatus ${quote(currentStatus)} is not a flow status`);
  if (previousStatus !== undefined && !isFlowStatus(previousStatus))
    return drop(`detail.previousStatus ${quote(previousStatus)} is not a flow status`);
  const time =
    typeof envelope.time === 'string' && !Number.isNaN(Date.parse(envelope.time)) ? envelope.time : undefined;
  return {
    ok: true,
    flowArn,
    change: {
      flowArn,
      currentStatus,
      ...(previousStatus !== undefined && { previousStatus }),
      ...(time !== undefined && { time }),
    },
  };
}

function drop(reason: string): CheckedFlowStatusEvent {
  return { ok: false, reason };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? 'null' : typeof value;
}

/** A value, JSON-quoted and cut short, for a reason that ends up in a log. */
function quote(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value; // a cycle or a BigInt: never a reason to throw
  }
  const cut = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
  return JSON.stringify(cut);
}
