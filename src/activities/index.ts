export * from './mediaconnect-activities';
export * from './classify-error';
