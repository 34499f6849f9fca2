/**
 * `temporalRequestBudget(options)` checks its options once, when the worker is configured, and
 * names the option and the rule in an InvalidInput failure.
 */
import { ApplicationFailure } from '@temporalio/common';
import { temporalRequestBudget, type RequestBudgetOptions } from '../../src/activities/request-budget-client';
import { thrownBy } from '../support/failures';

describe('temporalRequestBudget options', () => {
  it.each<[RequestBudgetOptions, RegExp]>([
    [{ writesHeld: 0 }, /writesHeld must be a whole number of 1 or more.*got 0/],
    [{ writesHeld: 2.5 }, /writesHeld must be a whole number of 1 or more.*got 2.5/],
    [{ writesHeld: '50' as unknown as number }, /writesHeld must be a whole number of 1 or more.*got "50"/],
    [{ budgetId: ' ' }, /budgetId must be a non-empty string/],
    [{ requestsPerSecond: 0 }, /requestsPerSecond must be a number above 0/],
  ])('refuses %j with an InvalidInput failure naming the option', (options, message) => {
    const failure = thrownBy(() => temporalRequestBudget(options));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: expect.stringMatching(message),
    });
  });

  it('accepts a worker that keeps every write waiting (writesHeld at its activity slots or more)', () => {
    expect(typeof temporalRequestBudget({ writesHeld: 1_000 }).acquire).toBe('function');
  });
});
