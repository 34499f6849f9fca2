/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Suites start real servers (Temporal, moto, the simulator): give them room, and run files
  // one at a time so time-skipping servers and ports never compete on a 2-core machine.
  testTimeout: 120_000,
  maxWorkers: 1,
};
