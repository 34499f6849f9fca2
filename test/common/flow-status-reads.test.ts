import { cheaperRead, flowIdOf } from '../../src/common/flow-status-reads';

describe('cheaperRead', () => {
  it.each([
    [1, undefined, 'DescribeFlow', 'one flow, account unknown: one DescribeFlow'],
    [2, undefined, 'ListFlows', 'more flows, account unknown: list (and learn the account size)'],
    [1000, 5000, 'ListFlows', '1000 flows: 5 pages beat 1000 DescribeFlows'],
    [6, 5000, 'ListFlows', '6 flows: 5 pages are cheaper'],
    [5, 5000, 'DescribeFlow', '5 flows: as many calls as 5 pages, and answers that do not grow with the account'],
    [4, 5000, 'DescribeFlow', '4 flows: cheaper than 5 pages'],
    [1, 10, 'DescribeFlow', 'one flow in a small account: either costs one call'],
    [2, 10, 'ListFlows', 'two flows in a small account: one page'],
    [18, 18_001, 'DescribeFlow', '18,001 flows are 19 pages'],
  ] as const)('reads %d flows of an account of %s flows with %s (%s)', (flows, accountFlows, expected, _why) => {
    expect(cheaperRead(flows, accountFlows)).toBe(expected);
  });

  it('takes the flow id out of an ARN, and leaves an id as it is', () => {
    expect(
      flowIdOf('arn:aws:mediaconnect:us-east-1:111122223333:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:AwardsShow'),
    ).toBe('1-23aBC45dEF67hiJ8-12AbC34DE5fG');
    expect(flowIdOf('1-23aBC45dEF67hiJ8-12AbC34DE5fG')).toBe('1-23aBC45dEF67hiJ8-12AbC34DE5fG');
  });
});
