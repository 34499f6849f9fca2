/**
 * A catalogue of malformed flow ARNs and inputs, shared by every entry point's tests (workflow
 * input, client helper, activities, CLI). Each must be refused with a clear message and cause no
 * MediaConnect call. `says` is a fragment the message must contain.
 */
const ACCOUNT = '111122223333';
const GOOD_ID = '1-23aBC45dEF67hiJ8-12AbC34DE5fG';
export const GOOD_ARN = `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`;

export interface BadArn {
  label: string;
  value: unknown;
  says: string;
}

export const BAD_FLOW_ARNS: BadArn[] = [
  // wrong types and empties
  { label: 'undefined', value: undefined, says: 'must be a string' },
  { label: 'null', value: null, says: 'must be a string, got null' },
  { label: 'a number', value: 12345, says: 'must be a string, got number' },
  { label: 'an object', value: { arn: GOOD_ARN }, says: 'must be a string, got object' },
  { label: 'an array', value: [GOOD_ARN], says: 'must be a string, got object' },
  { label: 'a boolean', value: true, says: 'must be a string, got boolean' },
  { label: 'the empty string', value: '', says: 'empty' },
  { label: 'whitespace around it', value: ` ${GOOD_ARN} `, says: 'whitespace' },
  { label: 'a trailing newline', value: `${GOOD_ARN}\n`, says: 'whitespace' },
  // not an ARN, or another service's / resource type's
  { label: 'a bare flow name', value: 'AwardsShow', says: 'must start with "arn:"' },
  { label: 'a URL', value: 'https://console.aws.amazon.com/mediaconnect/home', says: 'must start with "arn:"' },
  { label: 'an S3 ARN', value: 'arn:aws:s3:::my-bucket', says: '8 colon-separated parts' },
  {
    label: 'a MediaLive channel ARN',
    value: `arn:aws:medialive:us-east-1:${ACCOUNT}:channel:1234567`,
    says: '8 colon-separated parts',
  },
  {
    label: 'another service with a flow shape',
    value: `arn:aws:medialive:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not "mediaconnect"',
  },
  {
    label: 'a MediaConnect source ARN',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:source:${GOOD_ID}:Camera1`,
    says: 'names a "source"',
  },
  {
    label: 'a MediaConnect output ARN',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:output:${GOOD_ID}:Main`,
    says: 'names a "output"',
  },
  {
    label: 'a MediaConnect entitlement ARN',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:entitlement:${GOOD_ID}:Share`,
    says: 'names a "entitlement"',
  },
  {
    label: 'an upper-case service',
    value: `arn:aws:MediaConnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not "mediaconnect"',
  },
  {
    label: 'a missing flow name',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}`,
    says: '8 colon-separated parts',
  },
  { label: 'an extra part', value: `${GOOD_ARN}:extra`, says: '8 colon-separated parts' },
  // partition, region, account shapes
  {
    label: 'a wrong partition',
    value: `arn:azure:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not an AWS partition',
  },
  {
    label: 'an empty partition',
    value: `arn::mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not an AWS partition',
  },
  {
    label: 'an empty region',
    value: `arn:aws:mediaconnect::${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not an AWS region',
  },
  {
    label: 'an upper-case region',
    value: `arn:aws:mediaconnect:US-EAST-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not an AWS region',
  },
  {
    label: 'a region without a number',
    value: `arn:aws:mediaconnect:us-east:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not an AWS region',
  },
  // a partition and a region that do not belong together
  {
    label: 'a China region in the aws partition',
    value: `arn:aws:mediaconnect:cn-north-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'the region "cn-north-1" is in the partition "aws-cn", not "aws"',
  },
  {
    label: 'a commercial region in aws-cn',
    value: `arn:aws-cn:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'the region "us-east-1" is in the partition "aws", not "aws-cn"',
  },
  {
    label: 'a GovCloud region in the aws partition',
    value: `arn:aws:mediaconnect:us-gov-west-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'is in the partition "aws-us-gov", not "aws"',
  },
  {
    label: 'a commercial region in aws-us-gov',
    value: `arn:aws-us-gov:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'is in the partition "aws", not "aws-us-gov"',
  },
  {
    label: 'an ISO region in aws-iso-b',
    value: `arn:aws-iso-b:mediaconnect:us-iso-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'is in the partition "aws-iso", not "aws-iso-b"',
  },
  {
    label: 'a European Sovereign Cloud region in aws',
    value: `arn:aws:mediaconnect:eusc-de-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'is in the partition "aws-eusc", not "aws"',
  },
  {
    label: 'a commercial region in aws-eusc',
    value: `arn:aws-eusc:mediaconnect:eu-central-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'is in the partition "aws", not "aws-eusc"',
  },
  {
    label: 'a partition that does not exist',
    value: `arn:aws-moon:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:AwardsShow`,
    says: 'not "aws-moon"',
  },
  {
    label: 'an 11-digit account',
    value: `arn:aws:mediaconnect:us-east-1:11112222333:flow:${GOOD_ID}:AwardsShow`,
    says: 'not 12 digits',
  },
  {
    label: 'a 13-digit account',
    value: `arn:aws:mediaconnect:us-east-1:1111222233334:flow:${GOOD_ID}:AwardsShow`,
    says: 'not 12 digits',
  },
  {
    label: 'an account with letters',
    value: `arn:aws:mediaconnect:us-east-1:11112222333a:flow:${GOOD_ID}:AwardsShow`,
    says: 'not 12 digits',
  },
  {
    label: 'an empty account',
    value: `arn:aws:mediaconnect:us-east-1::flow:${GOOD_ID}:AwardsShow`,
    says: 'not 12 digits',
  },
  // over-long and characters that matter in a URL path
  {
    label: 'an over-long ARN',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:${'x'.repeat(600)}`,
    says: 'the limit is 512',
  },
  {
    label: 'an over-long flow name',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:${'x'.repeat(129)}`,
    says: 'at most 128',
  },
  { label: 'an empty flow id', value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow::AwardsShow`, says: 'flow id' },
  {
    label: 'an empty flow name',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:`,
    says: 'flow name',
  },
  {
    label: 'a slash in the name (another API path)',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:x/../../stop`,
    says: 'flow name',
  },
  {
    label: 'path traversal in the id',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:..%2F..:AwardsShow`,
    says: 'flow id',
  },
  { label: 'a query string', value: `${GOOD_ARN}?maxResults=1000`, says: 'flow name' },
  { label: 'a fragment', value: `${GOOD_ARN}#top`, says: 'flow name' },
  {
    label: 'a percent-encoded slash',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:a%2Fb`,
    says: 'flow name',
  },
  {
    label: 'a space in the name',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:Awards Show`,
    says: 'flow name',
  },
  {
    label: 'a NUL byte',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:Awards\u0000Show`,
    says: 'flow name',
  },
  {
    label: 'non-ASCII letters',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:Défilé`,
    says: 'flow name',
  },
  {
    label: 'a CRLF (header injection)',
    value: `arn:aws:mediaconnect:us-east-1:${ACCOUNT}:flow:${GOOD_ID}:A\r\nX-Evil=1`,
    says: 'flow name',
  },
];
