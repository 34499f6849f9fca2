import { CallLog } from '../../src/testing/call-log';

describe('the simulator’s call log', () => {
  it('keeps only the latest calls, in order, while its counts cover every call', () => {
    const log = new CallLog(10);
    for (let i = 0; i < 25; i++) log.record({ operation: 'DescribeFlow', region: 'us-east-1', at: i, httpStatus: 200 });
    const kept = log.calls().map((call) => call.at);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.length).toBeGreaterThanOrEqual(9);
    expect(kept).toEqual(kept.map((_, i) => 25 - kept.length + i));
    expect(log.stats()).toMatchObject({
      total: 25,
      byOperation: { DescribeFlow: 25 },
      byRegion: { 'us-east-1': 25 },
      byHttpStatus: { '200': 25 },
    });
  });
});
