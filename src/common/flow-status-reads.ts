/**
 * How a fleet reads its flows' statuses: the shape of one read (the `readFlowStatuses` activity)
 * and the choice between ListFlows and DescribeFlow. Pure: shared by the workflow, which decides,
 * and the activity, which reads.
 */
import type { FlowStatus } from './flow-status';

/** The most flows one ListFlows call returns (its `MaxResults`). */
export const LIST_FLOWS_PAGE_SIZE = 1000;

/** The MediaConnect operation a read uses. */
export type FlowStatusReadOperation = 'ListFlows' | 'DescribeFlow';

/** The key of the flows whose status the caller does not know yet. */
export const UNKNOWN_STATUS = 'UNKNOWN';

/** Input of the `readFlowStatuses` activity: some flows of one region. */
export interface ReadFlowStatusesInput {
  /** The region of every flow listed (the read calls that region's MediaConnect endpoint). */
  region: string;
  /** How to read: see {@link cheaperRead}. */
  operation: FlowStatusReadOperation;
  /**
   * The flows to read, grouped by the status the caller last saw (`UNKNOWN` for none): only the
   * flows whose status differs come back. A ListFlows read takes flow ids
   * (`1-23aBC45dEF67hiJ8-12AbC34DE5fG`, about 31 bytes however long the flow's name); a
   * DescribeFlow read takes ARNs (it needs them for its calls, and is only chosen for a few flows).
   */
  flows: Partial<Record<FlowStatus | typeof UNKNOWN_STATUS, string[]>>;
}

/** What the `readFlowStatuses` activity returns: only differences, so its size follows the changes, not the account. */
export interface ReadFlowStatusesResult {
  /** Flow id → status, for each flow whose status is not the one the caller gave. */
  changed: Record<string, FlowStatus>;
  /** Flow ids MediaConnect does not report (deleted, or in another account). */
  missing: string[];
  /** MediaConnect calls the read made. */
  calls: number;
  /** Flows in the account and region, when the read paged through ListFlows (what the next choice goes by). */
  accountFlows?: number;
}

/**
 * The cheaper way to read `flowCount` flows of one region: ListFlows pages through every flow of
 * the account and region, ceil(accountFlows / 1000) calls (at least one) whatever the fleet's size;
 * DescribeFlow costs one call per flow. DescribeFlow wins when it needs no more calls (it also
 * answers in bytes that do not grow with the account). `accountFlows` is what the region's last
 * ListFlows counted; unknown, a read of one flow describes it and a larger read lists (and learns
 * the count).
 */
export function cheaperRead(flowCount: number, accountFlows: number | undefined): FlowStatusReadOperation {
  const listPages = Math.max(1, Math.ceil((accountFlows ?? 0) / LIST_FLOWS_PAGE_SIZE));
  return flowCount <= listPages ? 'DescribeFlow' : 'ListFlows';
}

/** The flow id of a flow ARN (`arn:...:flow:<flow id>:<name>`), or the argument itself when it is an id already. */
export function flowIdOf(flowArnOrId: string): string {
  return flowArnOrId.startsWith('arn:') ? (flowArnOrId.split(':')[6] ?? flowArnOrId) : flowArnOrId;
}
