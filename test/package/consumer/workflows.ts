// A consumer's workflows module: this package's workflows registered beside the consumer's own.
import { executeChild } from '@temporalio/workflow';
import { bringFlowOnline, type BringFlowOnlineResult } from 'temporal-mediaconnect/workflows';

export { bringFlowOnline, bringFleetOnline, mediaConnectRequestBudget } from 'temporal-mediaconnect/workflows';

/** The consumer's own event-day workflow: brings one flow online as a child. */
export async function eventDay(flowArn: string): Promise<BringFlowOnlineResult> {
  return executeChild(bringFlowOnline, {
    args: [{ flowArn }],
    workflowId: `event-day-child-${flowArn.split(':').pop()}`,
  });
}
