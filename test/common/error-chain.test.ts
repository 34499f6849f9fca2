import { causeChain } from '../../src/common/error-chain';

describe('causeChain', () => {
  it('lists an error and its causes, outermost first', () => {
    const root = new Error('connect ECONNREFUSED');
    const middle = new Error('transport failed', { cause: root });
    const outer = new Error('cannot reach Temporal', { cause: middle });
    expect(causeChain(outer)).toEqual([outer, middle, root]);
  });

  it('stops at a cause that is not an Error', () => {
    const outer = new Error('wrapped', { cause: 'a string' });
    expect(causeChain(outer)).toEqual([outer]);
  });

  it('is empty for something that is not an Error', () => {
    expect(causeChain('boom')).toEqual([]);
    expect(causeChain(undefined)).toEqual([]);
  });

  it('ends the walk at a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(causeChain(a)).toEqual([a, b]);
  });
});
