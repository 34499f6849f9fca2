import { flowArnProblem, parseFlowArn, partitionOfRegion } from '../../src/common/arn';
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
    'arn:aws-cn:mediaconnect:cn-northwest-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-us-gov:mediaconnect:us-gov-west-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-us-gov:mediaconnect:us-gov-east-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-iso:mediaconnect:us-iso-east-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-iso-b:mediaconnect:us-isob-east-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-iso-e:mediaconnect:eu-isoe-west-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-iso-f:mediaconnect:us-isof-south-1:111122223333:flow:1-abc-def:Show',
    'arn:aws-eusc:mediaconnect:eusc-de-east-1:111122223333:flow:1-abc-def:Show',
    'arn:aws:mediaconnect:ap-southeast-2:123456789012:flow:0123456789abcdef0123456789abcdef:moto_flow.v2',
    'arn:aws:mediaconnect:il-central-1:111122223333:flow:1-abc-def:Show',
    'arn:aws:mediaconnect:mx-central-1:111122223333:flow:1-abc-def:Show',
  ])('accepts %s', (arn) => {
    expect(flowArnProblem(arn)).toBeUndefined();
  });

  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-east-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
    ['xx-newplace-1', 'aws'], // a region no table knows yet counts as aws, as in the AWS SDK
  ])('puts the region %s in the partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it(`has a catalogue of at least 30 malformed inputs (${BAD_FLOW_ARNS.length})`, () => {
    expect(BAD_FLOW_ARNS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_FLOW_ARNS.map((b) => [b.label, b] as const))(
    'refuses %s with an InvalidFlowArn that says what is wrong',
    (_label, bad) => {
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
    },
  );
});
