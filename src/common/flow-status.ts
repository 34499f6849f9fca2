/**
 * The statuses a MediaConnect flow reports (DescribeFlow's `flow.status`, ListFlows' `status`).
 * Kept here, not imported from the AWS SDK, so that workflow code can use them without
 * pulling the SDK into the workflow bundle.
 */
export const FlowStatus = {
  STANDBY: 'STANDBY',
  STARTING: 'STARTING',
  ACTIVE: 'ACTIVE',
  UPDATING: 'UPDATING',
  STOPPING: 'STOPPING',
  DELETING: 'DELETING',
  ERROR: 'ERROR',
} as const;

export type FlowStatus = (typeof FlowStatus)[keyof typeof FlowStatus];

const knownStatuses = new Set<string>(Object.values(FlowStatus));

/** True when `value` is one of the statuses MediaConnect documents. */
export function isFlowStatus(value: unknown): value is FlowStatus {
  return typeof value === 'string' && knownStatuses.has(value);
}

const startedStatuses = new Set<string>([FlowStatus.STARTING, FlowStatus.ACTIVE, FlowStatus.UPDATING]);

/**
 * True for STARTING, ACTIVE and UPDATING: the flow has been started, so a StartFlow now would be a
 * second start (MediaConnect refuses it with a 409, and there is nothing to do but wait).
 */
export function isStartedStatus(status: string | undefined): boolean {
  return status !== undefined && startedStatuses.has(status);
}

/**
 * Statuses a bring-up decides on (ACTIVE, or one that means it will not become ACTIVE). STARTING and
 * UPDATING change nothing for it: a fleet does not forward them to its bring-ups, and the
 * EventBridge forwarder does not pass them to a fleet.
 */
export const BRING_UP_DECISIVE_STATUSES: ReadonlySet<FlowStatus> = new Set([
  FlowStatus.ACTIVE,
  FlowStatus.ERROR,
  FlowStatus.STANDBY,
  FlowStatus.STOPPING,
  FlowStatus.DELETING,
]);
