import { FlowStatus } from '../../src/common/flow-status';
import {
  FLOW_STATUS_CHANGE_DETAIL_TYPE,
  MEDIACONNECT_EVENT_SOURCE,
  type FlowStatusChangeEvent,
} from '../../src/events/flow-status-event';

/**
 * A "MediaConnect Flow Status Change" event for `flowArn` in EventBridge's envelope, its account
 * and region those of the ARN (STARTING → ACTIVE unless told otherwise).
 */
export function flowStatusChangeEvent(
  flowArn: string,
  detail: FlowStatusChangeEvent['detail'] = { previousStatus: FlowStatus.STARTING, currentStatus: FlowStatus.ACTIVE },
): FlowStatusChangeEvent {
  const [, , , region, account] = flowArn.split(':');
  return {
    version: '0',
    id: `test-${flowArn.split(':')[6]}`,
    'detail-type': FLOW_STATUS_CHANGE_DETAIL_TYPE,
    source: MEDIACONNECT_EVENT_SOURCE,
    account,
    time: new Date().toISOString(),
    region,
    resources: [flowArn],
    detail,
  };
}
