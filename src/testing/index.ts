/** Test helpers: a local MediaConnect simulator with several regions, scripted faults and call counts. */
export { MediaConnectSimulator } from './simulator';
export type {
  AlreadyStartedAnswer,
  CallFilter,
  RateLimit,
  SimulatedCall,
  SimulatedFault,
  SimulatedFaultKind,
  SimulatedFlowBatchOptions,
  SimulatedFlowOptions,
  SimulatedOperation,
  SimulatorOptions,
  SimulatorStats,
} from './types';
export { seededRandom } from './seeded-random';
export type { FlowStatusEventOptions, FlowStatusEventStats } from './status-events';
