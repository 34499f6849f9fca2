export * from './arn';
export * from './failure-types';
export * from './flow-status';
export * from './duration';
export * from './search-attributes';
export * from './bring-flow-online-input';
export * from './bring-fleet-online-input';
export * from './request-budget-math';
