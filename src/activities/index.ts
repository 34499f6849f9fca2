export * from './mediaconnect-activities';
export * from './classify-error';
export * from './request-budget';
export * from './regional-clients';
