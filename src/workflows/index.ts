/**
 * Every workflow of this package, with its queries, signals and updates. A worker's `workflowsPath`
 * points here; so does a user's own workflows module when it runs these as children
 * (`export * from 'temporal-mediaconnect/workflows'`): every function exported here becomes a
 * workflow type of that worker, so only workflows are exported as functions.
 */
export {
  bringFlowOnline,
  flowStatusChangedSignal,
  progressQuery,
  type BringFlowOnlineInput,
  type BringFlowOnlineProgress,
  type BringFlowOnlineResult,
  type FlowStatusChange,
} from './bring-flow-online';
export {
  bringFleetOnline,
  fleetProgressQuery,
  type BringFleetOnlineInput,
  type BringFleetOnlineProgress,
  type BringFleetOnlineResult,
  type FleetFlowResult,
} from './bring-fleet-online';
export {
  mediaConnectRequestBudget,
  requestBudgetQuery,
  requestThrottledSignal,
  reserveRequestsUpdate,
  setRequestBudgetLimitsUpdate,
  type RequestBudgetInput,
  type RequestBudgetProgress,
} from './request-budget-workflow';
export {
  offlineProgressQuery,
  takeFlowOffline,
  type TakeFlowOfflineInput,
  type TakeFlowOfflineProgress,
  type TakeFlowOfflineResult,
} from './take-flow-offline';
export {
  offlineFleetProgressQuery,
  takeFleetOffline,
  type OfflineFlowResult,
  type TakeFleetOfflineInput,
  type TakeFleetOfflineProgress,
  type TakeFleetOfflineResult,
} from './take-fleet-offline';
export { BUDGETED_ACTIVITY_OPTIONS, MEDIACONNECT_RETRY_POLICY } from './activity-options';
export {
  endEventSignal,
  eventDay,
  eventDayProgressQuery,
  eventDayReportQuery,
  type EndEvent,
  type EventDayInput,
  type EventDayProgress,
} from './event-day';
export type { EventDayFlowReport, EventDayIncident, EventDayPhase, EventDayReport } from '../common/event-day-records';
