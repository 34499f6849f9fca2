import { partition as sdkPartition } from '@aws-sdk/util-endpoints';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from './failure-types';

/** The parts of a MediaConnect flow ARN. */
export interface FlowArnParts {
  /** The ARN as given. */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`: the region's partition. */
  partition: string;
  /** For example `us-east-1`. */
  region: string;
  /** The 12-digit AWS account id. */
  accountId: string;
  /** MediaConnect's id of the flow, for example `1-23aBC45dEF67hiJ8-12AbC34DE5fG`. */
  flowId: string;
  /** The flow's name, for example `AwardsShow`. */
  flowName: string;
}

/** Longer than any ARN MediaConnect issues; stops absurd input before it reaches a log or a URL. */
export const MAX_FLOW_ARN_LENGTH = 512;

const EXAMPLE = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:AwardsShow';
const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
const FLOW_ID = /^[A-Za-z0-9-]{1,128}$/;
// Letters, digits, hyphens, underscores and dots: nothing that means something in a URL path.
const FLOW_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Partitions the installed AWS SDK's table (`@aws-sdk/util-endpoints` 3.654) does not know yet: it
 * predates the European Sovereign Cloud and files `eusc-de-east-1` under `aws`. The regular
 * expression is the one later SDK releases carry. Remove a row once the SDK has it.
 */
const PARTITIONS_THE_SDK_LACKS: ReadonlyArray<{ name: string; regionRegex: RegExp }> = [
  { name: 'aws-eusc', regionRegex: /^eusc-(de)-\w+-\d+$/ },
];

/**
 * The partition a region belongs to (`us-gov-west-1` → `aws-us-gov`), from the AWS SDK's partition
 * table. Like the SDK, a region of no known partition's form counts as `aws`. Pure: safe in workflow code.
 */
export function partitionOfRegion(region: string): string {
  return PARTITIONS_THE_SDK_LACKS.find((p) => p.regionRegex.test(region))?.name ?? sdkPartition(region).name;
}

/**
 * Describes what is wrong with `value` as a MediaConnect flow ARN, or returns `undefined` when
 * it is a well-formed one. Pure and deterministic: safe in workflow code.
 */
export function flowArnProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `flowArn must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0) return 'flowArn is empty';
  if (value.length > MAX_FLOW_ARN_LENGTH)
    return `flowArn is ${value.length} characters long; the limit is ${MAX_FLOW_ARN_LENGTH}`;
  if (value.trim() !== value) return 'flowArn has leading or trailing whitespace';
  const parts = value.split(':');
  if (parts[0] !== 'arn') return `flowArn must start with "arn:"`;
  if (parts.length !== 8) {
    return `flowArn must have 8 colon-separated parts (arn:partition:mediaconnect:region:account:flow:id:name), got ${parts.length}`;
  }
  const [, partition, service, region, accountId, resourceType, flowId, flowName] = parts;
  if (!PARTITION.test(partition)) return `${quote(partition)} is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`;
  if (service !== 'mediaconnect') return `flowArn is for the service ${quote(service)}, not "mediaconnect"`;
  const badRegion = regionProblem(region);
  if (badRegion !== undefined) return badRegion;
  const regionPartition = partitionOfRegion(region);
  if (regionPartition !== partition) {
    return `the region ${quote(region)} is in the partition ${quote(regionPartition)}, not ${quote(partition)}: the partition and the region must match (for example arn:${regionPartition}:mediaconnect:${region}:...)`;
  }
  if (!ACCOUNT.test(accountId)) return `the account id ${quote(accountId)} is not 12 digits`;
  if (resourceType !== 'flow') return `flowArn names a ${quote(resourceType)}, not a "flow"`;
  if (!FLOW_ID.test(flowId)) return `the flow id ${quote(flowId)} may contain only letters, digits and hyphens`;
  if (!FLOW_NAME.test(flowName)) {
    return `the flow name ${quote(flowName)} may contain only letters, digits, ".", "_" and "-" (at most 128)`;
  }
  return undefined;
}

/** Describes what is wrong with `value` as an AWS region name, or returns `undefined` for one such as `us-east-1`. */
export function regionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !REGION.test(value)) {
    return `${typeof value === 'string' ? quote(value) : String(value)} is not an AWS region name (for example us-east-1)`;
  }
  return undefined;
}

/**
 * Parses a MediaConnect flow ARN.
 *
 * @throws ApplicationFailure of type `InvalidFlowArn` (non-retryable) whose message says what is
 * wrong and shows a well-formed example.
 */
export function parseFlowArn(value: unknown): FlowArnParts {
  const problem = flowArnProblem(value);
  if (problem !== undefined) throw invalidFlowArn(problem);
  const [, partition, , region, accountId, , flowId, flowName] = (value as string).split(':');
  return { arn: value as string, partition, region, accountId, flowId, flowName };
}

/** Input echoed in a message: escaped (no control characters reach a log) and cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function invalidFlowArn(problem: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidFlowArn,
    message: `Invalid MediaConnect flow ARN: ${problem}. Expected the form ${EXAMPLE}`,
    nonRetryable: true,
  });
}
