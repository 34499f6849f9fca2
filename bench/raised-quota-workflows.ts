/**
 * The package's workflows plus `describeAll`, for the raised-quota benchmark: one DescribeFlow
 * activity per flow, all scheduled at once, so the workers ask the request budget for every token
 * as fast as they can and nothing but the budget (and the quota) paces them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { MediaConnectActivities } from '../src/activities/mediaconnect-activities';
import { BUDGETED_ACTIVITY_OPTIONS } from '../src/workflows/activity-options';

export * from '../src/workflows';

const { describeFlow } = proxyActivities<MediaConnectActivities>(BUDGETED_ACTIVITY_OPTIONS);

export async function describeAll(flowArns: string[]): Promise<number> {
  const results = await Promise.all(flowArns.map((flowArn) => describeFlow({ flowArn })));
  return results.length;
}
