/**
 * temporal-mediaconnect: Temporal activities and workflows that bring AWS Elemental
 * MediaConnect flows online.
 *
 * - workflows (`temporal-mediaconnect/workflows`): `bringFlowOnline`, its query and signal; `bringFleetOnline`;
 *   `takeFlowOffline`, `takeFleetOffline`; `eventDay` (a whole event: online, watched, offline);
 *   `mediaConnectRequestBudget` (the account's request budget);
 * - activities (`temporal-mediaconnect/activities`): `createActivities({ client, requestBudget })`, `temporalRequestBudget(...)`;
 * - client: `startBringFlowOnline(client, { flowArn })`, `startBringFleetOnline(client, { flowArns }, { workflowId })`,
 *   `startTakeFlowOffline(client, { flowArn })`, `startTakeFleetOffline(client, { flowArns }, { workflowId })`,
 *   `startEventDay(client, { flowArns, onlineBy, offlineAt }, { workflowId })`;
 * - EventBridge: `forwardFlowStatusChange(client, event)`; the ready Lambda handler is `temporal-mediaconnect/lambda`;
 * - worker: `createWorker(...)`, `createMediaConnectClient()`;
 * - shared: `parseFlowArn`, `FlowStatus`, `FailureType`, the search attributes, the defaults;
 * - observability: `MetricNames`, `METRIC_HISTOGRAM_BUCKETS`, `WorkerTracingOptions`, `tracingWorkflowInterceptorModule`.
 *
 * Every name is listed: what is not here is internal and may change without notice.
 */

// Starting bring-ups from a client
export {
  bringFlowOnlineWorkflowId,
  startBringFleetOnline,
  startBringFlowOnline,
  type StartBringFleetOnlineOptions,
  type StartBringFlowOnlineOptions,
} from './client';
// Taking flows offline from a client
export {
  startTakeFleetOffline,
  startTakeFlowOffline,
  takeFlowOfflineWorkflowId,
  type StartTakeFleetOfflineOptions,
  type StartTakeFlowOfflineOptions,
} from './client';

// Forwarding EventBridge's flow status changes to the workflows (README: "EventBridge")
export {
  forwardFlowStatusChange,
  type ForwardFlowStatusChangeOptions,
  type ForwardFlowStatusChangeResult,
  type ForwarderLogger,
} from './events/forward';
export type { EventBridgeEvent, FlowStatusChangeEvent } from './events/flow-status-event';

// Running a worker
export { createMediaConnectClient, createWorker, checkMediaConnectAccess, type CreateWorkerOptions } from './worker';
export { ConfigurationError } from './config';

// Metrics and tracing (README: "Metrics", "Tracing")
export { METRIC_HISTOGRAM_BUCKETS, MetricNames } from './common/metrics';
export { tracingWorkflowInterceptorModule, type WorkerTracingOptions } from './tracing';

// The activities, for your own worker
export {
  classifyMediaConnectError,
  createActivities,
  isRetryable,
  RegionalMediaConnectClients,
  temporalRequestBudget,
  WRITES_HELD,
  type ClassifiedError,
  type DescribeFlowResult,
  type FlowRef,
  type ListFlowStatusesInput,
  type ListFlowStatusesResult,
  type MediaConnectActivities,
  type MediaConnectActivityDependencies,
  type ReadFlowStatusesInput,
  type ReadFlowStatusesResult,
  type RequestBudget,
  type RequestBudgetOptions,
  type StartFlowResult,
  type StopFlowResult,
} from './activities';

// The workflows' inputs, results and progress (the workflows themselves: `temporal-mediaconnect/workflows`)
export type {
  BringFlowOnlineInput,
  BringFlowOnlineProgress,
  BringFlowOnlineResult,
  FlowStatusChange,
} from './workflows/bring-flow-online';
export type {
  BringFleetOnlineInput,
  BringFleetOnlineProgress,
  BringFleetOnlineResult,
  FleetFlowResult,
} from './workflows/bring-fleet-online';
export type { RequestBudgetInput, RequestBudgetProgress } from './workflows/request-budget-workflow';
export type {
  TakeFlowOfflineInput,
  TakeFlowOfflineProgress,
  TakeFlowOfflineResult,
} from './workflows/take-flow-offline';
export type {
  OfflineFlowResult,
  TakeFleetOfflineInput,
  TakeFleetOfflineProgress,
  TakeFleetOfflineResult,
} from './workflows/take-fleet-offline';

// Shared vocabulary and defaults
export { parseFlowArn, type FlowArnParts } from './common/arn';
export { FlowStatus, isFlowStatus } from './common/flow-status';
export { AwsErrorName, FailureType } from './common/failure-types';
export {
  FlowArnSearchAttribute,
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
  FlowStatusSearchAttribute,
  SEARCH_ATTRIBUTE_DECLARATIONS,
} from './common/search-attributes';
export { DEFAULT_TASK_QUEUE } from './common/task-queue';
export { BRING_FLOW_ONLINE_DEFAULTS } from './common/bring-flow-online-input';
export { BRING_FLEET_ONLINE_DEFAULTS } from './common/bring-fleet-online-input';
export { TAKE_FLEET_OFFLINE_DEFAULTS } from './common/take-fleet-offline-input';
export {
  DEFAULT_REQUEST_BUDGET,
  MAX_RETRY_AFTER_MS,
  requestBudgetWorkflowId,
  WRITE_HORIZON_MS,
  WRITE_SHARE,
  type RequestBudgetLimits,
  type RequestLane,
} from './common/request-budget-math';

// Event days (README: "Run an event day"; the workflow itself: `temporal-mediaconnect/workflows`)
export { startEventDay, type StartEventDayOptions } from './client';
export type { EndEvent, EventDayInput, EventDayProgress } from './workflows/event-day';
export { EVENT_DAY_DEFAULTS, type EventTime } from './common/event-day-input';
export {
  MAX_INCIDENTS_PER_FLOW,
  type EventDayFlowReport,
  type EventDayIncident,
  type EventDayPhase,
  type EventDayReport,
} from './common/event-day-records';
