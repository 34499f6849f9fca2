/**
 * The MediaConnect activities, for a worker: `createActivities({ client, requestBudget })` and the
 * request budget they share (`temporalRequestBudget`); the error classification they use.
 */
export {
  CALL_TIMEOUT_MS,
  createActivities,
  type DescribeFlowResult,
  type FlowRef,
  type ListFlowStatusesInput,
  type ListFlowStatusesResult,
  type MediaConnectActivities,
  type MediaConnectActivityDependencies,
  type StartFlowResult,
  type StopFlowResult,
} from './mediaconnect-activities';
export type { ReadFlowStatusesInput, ReadFlowStatusesResult } from '../common/flow-status-reads';
export { classifyMediaConnectError, isRetryable, MAX_RETRY_AFTER_MS, type ClassifiedError } from './classify-error';
export { RegionalMediaConnectClients } from './regional-clients';
export {
  temporalRequestBudget,
  WRITES_HELD,
  type RequestBudget,
  type RequestBudgetOptions,
} from './request-budget-client';
