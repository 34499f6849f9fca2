/**
 * temporal-mediaconnect: Temporal activities and workflows that bring AWS Elemental
 * MediaConnect flows online.
 *
 * - workflows (`temporal-mediaconnect/workflows`): `bringFlowOnline`, its query and signal;
 * - activities (`temporal-mediaconnect/activities`): `createActivities({ client })`;
 * - client: `startBringFlowOnline(client, { flowArn })`;
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
} from './workflows/bring-flow-online';
export { createWorker, createMediaConnectClient, checkMediaConnectAccess, type CreateWorkerOptions } from './worker';
export { ConfigurationError } from './config';
