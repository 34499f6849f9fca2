/** Test helpers: a local MediaConnect simulator with scripted faults and call counts. */
export * from './simulator';
export { seededRandom } from './seeded-random';
