/**
 * The pure vocabulary shared by workflows, activities, the client and the simulator: flow ARNs,
 * flow statuses, failure types, search attributes, the default task queue. Safe in workflow code.
 * (Internal: the package's public surface is `src/index.ts`.)
 */
export { MAX_FLOW_ARN_LENGTH, flowArnProblem, parseFlowArn, type FlowArnParts } from './arn';
export { AwsErrorName, FailureType, invalidInput } from './failure-types';
export { FlowStatus, isFlowStatus, isStartedStatus } from './flow-status';
export {
  FlowArnSearchAttribute,
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
  FlowStatusSearchAttribute,
  SEARCH_ATTRIBUTE_DECLARATIONS,
  SEARCH_ATTRIBUTE_KEYS,
} from './search-attributes';
export { DEFAULT_TASK_QUEUE } from './task-queue';
