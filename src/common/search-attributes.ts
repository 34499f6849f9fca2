import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes that let operators list and filter bring-ups, in the Web UI and with
 * `temporal workflow list --query "MediaConnectFlowStatus = 'ERROR'"`.
 *
 * They are custom attributes: a namespace must declare them once (see the README, or
 * `temporal operator search-attribute create`). The workflows only update them when the starter
 * set them, so a namespace without them still works, just without the filters.
 */
export const FlowNameSearchAttribute = defineSearchAttributeKey('MediaConnectFlowName', SearchAttributeType.KEYWORD);
/** The last flow status the bring-up saw (`STARTING`, `ACTIVE`, `ERROR`, ...), updated on each change. */
export const FlowStatusSearchAttribute = defineSearchAttributeKey(
  'MediaConnectFlowStatus',
  SearchAttributeType.KEYWORD,
);
/** The flow's AWS region. */
export const FlowRegionSearchAttribute = defineSearchAttributeKey('MediaConnectRegion', SearchAttributeType.KEYWORD);
/**
 * The flow's ARN, on every workflow that waits for one flow's status (a bring-up, alone or as a
 * fleet's child): how the EventBridge forwarder finds the workflows to signal about a flow
 * (`ExecutionStatus = 'Running' AND MediaConnectFlowArn = '<arn>'`).
 */
export const FlowArnSearchAttribute = defineSearchAttributeKey('MediaConnectFlowArn', SearchAttributeType.KEYWORD);

/** Every custom search attribute of this package, as `name -> type` (for `temporal server start-dev --search-attribute`). */
export const SEARCH_ATTRIBUTE_DECLARATIONS: Readonly<Record<string, 'Keyword'>> = {
  [FlowNameSearchAttribute.name]: 'Keyword',
  [FlowStatusSearchAttribute.name]: 'Keyword',
  [FlowRegionSearchAttribute.name]: 'Keyword',
  [FlowArnSearchAttribute.name]: 'Keyword',
};

/** Every custom search attribute key of this package. */
export const SEARCH_ATTRIBUTE_KEYS = [
  FlowNameSearchAttribute,
  FlowStatusSearchAttribute,
  FlowRegionSearchAttribute,
  FlowArnSearchAttribute,
] as const;
