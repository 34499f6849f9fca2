/**
 * temporal-mediaconnect: Temporal activities and workflows that bring AWS Elemental
 * MediaConnect flows online.
 *
 * - workflows (`temporal-mediaconnect/workflows`): `bringFlowOnline`, its query and signal; `bringFleetOnline`;
 *   `mediaConnectRequestBudget` (the account's request budget);
 * - activities (`temporal-mediaconnect/activities`): `createActivities({ client, requestBudget })`, `temporalRequestBudget(...)`;
 * - client: `startBringFlowOnline(client, { flowArn })`, `startBringFleetOnline(client, { flowArns }, { workflowId })`;
 * - worker: `createWorker(...)`, `createMediaConnectClient()`;
 * - shared: `parseFlowArn`, `FlowStatus`, `FailureType`.
 */
export * from './common';
export * from './client';
export { createActivities, classifyMediaConnectError, isRetryable, MAX_RETRY_AFTER_MS, RegionalMediaConnectClients, temporalRequestBudget } from './activities';
export type { MediaConnectActivities, MediaConnectActivityDependencies, DescribeFlowResult, StartFlowResult, FlowRef, RequestBudget, RequestBudgetOptions } from './activities';
export type {
  BringFlowOnlineInput,
  BringFlowOnlineResult,
  BringFlowOnlineProgress,
  FlowStatusChange,
} from './workflows/bring-flow-online';
export type { BringFleetOnlineInput, BringFleetOnlineResult, BringFleetOnlineProgress, FleetFlowResult } from './workflows/bring-fleet-online';
export type { RequestBudgetInput, RequestBudgetProgress } from './workflows/request-budget';
export { createWorker, createMediaConnectClient, checkMediaConnectAccess, type CreateWorkerOptions } from './worker';
export { ConfigurationError } from './config';
