/**
 * Every workflow of this package. A worker's `workflowsPath` points here; so does a user's own
 * workflows module when it runs these as children (`export * from 'temporal-mediaconnect/workflows'`).
 */
export * from './bring-flow-online';
export * from './bring-fleet-online';
export * from './request-budget-workflow';
export { BUDGETED_ACTIVITY_OPTIONS, MEDIACONNECT_RETRY_POLICY } from './activity-options';
