import { flowArnProblem, parseFlowArn } from '../../src/common/arn';
import { BAD_FLOW_ARNS, GOOD_ARN } from '../support/bad-inputs';

describe('parseFlowArn', () => {
  it('parses a well-formed flow ARN into its parts', () => {
    expect(parseFlowArn(GOOD_ARN)).toEqual({
      arn: GOOD_ARN,
      partition: 'aws',
      region: 'us-east-1',
      accountId: '111122223333',
      flowId: '1-23aBC45dEF67hiJ8-12AbC34DE5fG',
      flowName: 'AwardsShow',
    });
  });

  it.each([
    'arn:aws-cn:mediaconnect:cn-north-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-us-gov:mediaconnect:us-gov-west-1:111122223333:flow:1-abc-def:Show',
    'arn:aws:mediaconnect:ap-southeast-2:123456789012:flow:0123456789abcdef0123456789abcdef:moto_flow.v2',
  ])('accepts %s', (arn) => {
    expect(flowArnProblem(arn)).toBeUndefined();
  });

  it(`has a catalogue of at least 30 malformed inputs (${BAD_FLOW_ARNS.length})`, () => {
    expect(BAD_FLOW_ARNS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_FLOW_ARNS.map((b) => [b.label, b] as const))('refuses %s with an InvalidFlowArn that says what is wrong', (_label, bad) => {
    let thrown: { type?: string; message: string; nonRetryable?: boolean } | undefined;
    try {
      parseFlowArn(bad.value);
    } catch (err) {
      thrown = err as typeof thrown;
    }
    expect(thrown?.type).toBe('InvalidFlowArn');
    expect(thrown?.nonRetryable).toBe(true);
    expect(thrown?.message).toContain(bad.says);
    expect(thrown?.message).toContain('Expected the form arn:aws:mediaconnect:');
  });
});
