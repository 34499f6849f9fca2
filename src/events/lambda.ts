/**
 * The ready AWS Lambda handler for EventBridge's "MediaConnect Flow Status Change" events
 * (`temporal-mediaconnect/lambda`): deploy it with `deploy/eventbridge/forwarder.yaml`, or point
 * your own function's handler at `handler`. It is an entry point: it reads its configuration from
 * the environment once, on its first event, and keeps one Temporal connection for every later
 * invocation of the same Lambda instance.
 *
 * Environment:
 * - TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE,
 *   TEMPORAL_CONFIG_FILE: the connection, through `@temporalio/envconfig`, as the worker reads them;
 * - MEDIACONNECT_WATCHER_WORKFLOW_TYPES: comma-separated workflow types that watch many flows and get
 *   every event (`none` for none). @default 'eventDay,takeFleetOffline'
 * - MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE: `false` on a namespace without `MediaConnectFlowArn`. @default 'true'
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { isHostPort } from '../common/host-port';
import { ConfigurationError, DEFAULT_TEMPORAL_ADDRESS, temporalConnectConfigFromEnv } from '../config';
import {
  DEFAULT_WATCHER_WORKFLOW_TYPES,
  forwardFlowStatusChange,
  type ForwardFlowStatusChangeOptions,
  type ForwardFlowStatusChangeResult,
  WORKFLOW_TYPE_NAME,
} from './forward';

export type { EventBridgeEvent, FlowStatusChangeEvent } from './flow-status-event';
export type { ForwardFlowStatusChangeOptions, ForwardFlowStatusChangeResult } from './forward';

/** The forwarder's settings, read from the environment by {@link forwarderSettingsFromEnv}. */
export interface FlowStatusForwarderSettings {
  /** Where Temporal is, for `Connection.connect` (address, TLS, API key). */
  connection: ConnectionOptions & { address: string };
  namespace: string;
  forward: Pick<ForwardFlowStatusChangeOptions, 'watcherWorkflowTypes' | 'searchAttribute'>;
}

/**
 * Reads and checks the forwarder's settings (see the module's comment).
 * @throws ConfigurationError naming the variable that cannot work
 */
export function forwarderSettingsFromEnv(env: NodeJS.ProcessEnv): FlowStatusForwarderSettings {
  const config = temporalConnectConfigFromEnv(env);
  const address = config.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  if (!isHostPort(address))
    throw new ConfigurationError(`TEMPORAL_ADDRESS must be host:port (for example localhost:7233), got "${address}"`);
  const { tls, apiKey, metadata } = config.connectionOptions;

  const typesText = env.MEDIACONNECT_WATCHER_WORKFLOW_TYPES?.trim() || DEFAULT_WATCHER_WORKFLOW_TYPES.join(',');
  const watcherWorkflowTypes = typesText === 'none' ? [] : typesText.split(',').map((type) => type.trim());
  if (watcherWorkflowTypes.some((type) => !WORKFLOW_TYPE_NAME.test(type)))
    throw new ConfigurationError(
      `MEDIACONNECT_WATCHER_WORKFLOW_TYPES must be comma-separated workflow type names (or "none"), got "${typesText}"`,
    );
  const searchText = (env.MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE?.trim() || 'true').toLowerCase();
  if (searchText !== 'true' && searchText !== 'false')
    throw new ConfigurationError(
      `MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE must be "true" or "false", got "${env.MEDIACONNECT_FLOW_ARN_SEARCH_ATTRIBUTE}"`,
    );
  return {
    connection: {
      address,
      ...(tls !== undefined && { tls }),
      ...(apiKey !== undefined && { apiKey }),
      ...(metadata && { metadata }),
    },
    namespace: config.namespace ?? 'default',
    forward: { watcherWorkflowTypes, searchAttribute: searchText === 'true' },
  };
}

/**
 * A Lambda handler for EventBridge events (an `EventBridgeEvent`, though any value is
 * accepted and checked): what it did with the event (see {@link forwardFlowStatusChange}).
 */
export type FlowStatusChangeHandler = (event: unknown) => Promise<ForwardFlowStatusChangeResult>;

export interface FlowStatusChangeHandlerOptions {
  /** Where the settings come from. @default process.env, read on the first event */
  env?: NodeJS.ProcessEnv;
  /** Other forwarding options (a logger, the deterministic ids), merged over the environment's. */
  forward?: ForwardFlowStatusChangeOptions;
  /** Opens the connection. @default Connection.connect */
  connect?: (options: ConnectionOptions) => Promise<Connection>;
}

/**
 * Makes a Lambda handler that forwards each event with {@link forwardFlowStatusChange}. The
 * settings are read on the first event and the connection is opened once and reused; a failed
 * connection is retried on the next event. Malformed or unknown events resolve as `dropped`;
 * Temporal being unreachable rejects, so that Lambda retries the event (after its retries, the event
 * goes to an on-failure destination if you configured one; the workflows' timers cover it anyway).
 */
export function createFlowStatusChangeHandler(options: FlowStatusChangeHandlerOptions = {}): FlowStatusChangeHandler {
  let ready: Promise<{ client: Client; forward: ForwardFlowStatusChangeOptions }> | undefined;
  const setUp = async () => {
    const settings = forwarderSettingsFromEnv(options.env ?? process.env);
    const connection = await (options.connect ?? ((o: ConnectionOptions) => Connection.connect(o)))(
      settings.connection,
    );
    return {
      client: new Client({ connection, namespace: settings.namespace }),
      forward: { ...settings.forward, ...options.forward },
    };
  };
  return async (event) => {
    ready ??= setUp().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    const { client, forward } = await ready;
    return forwardFlowStatusChange(client, event, forward);
  };
}

/** The Lambda entry point: `handler` of `temporal-mediaconnect/lambda` (configured from `process.env`). */
export const handler: FlowStatusChangeHandler = createFlowStatusChangeHandler();
