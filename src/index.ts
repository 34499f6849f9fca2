/**
 * temporal-mediaconnect: Temporal activities and workflows that bring AWS Elemental
 * MediaConnect flows online.
 *
 * - workflows (`temporal-mediaconnect/workflows`): `bringFlowOnline`, its query and signal; `bringFleetOnline`;
 * - activities (`temporal-mediaconnect/activities`): `createActivities({ client })`;
 * - client: `startBringFlowOnline(client, { flowArn })`, `startBringFleetOnline(client, { flowArns }, { workflowId })`;
 * - worker: `createWorker(...)`, `createMediaConnectClient()`;
 * - shared: `parseFlowArn`, `FlowStatus`, `FailureType`.
 */
export * from './common';
export * from './client';
export { createActivities, classifyMediaConnectError, isRetryable } from './activities';
export type { MediaConnectActivities, MediaConnectActivityDependencies, DescribeFlowResult, StartFlowResult, FlowRef } from './activities';
export type {
  BringFlowOnlineInput,
  BringFlowOnlineResult,
  BringFlowOnlineProgress,
  FlowStatusChange,
} from './workflows/bring-flow-online';
export type { BringFleetOnlineInput, BringFleetOnlineResult, BringFleetOnlineProgress, FleetFlowResult } from './workflows/bring-fleet-online';
export { createWorker, createMediaConnectClient, checkMediaConnectAccess, type CreateWorkerOptions } from './worker';
export { ConfigurationError } from './config';
