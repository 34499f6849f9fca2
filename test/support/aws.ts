import type { MediaConnectClient, MediaConnectClientConfig } from '@aws-sdk/client-mediaconnect';
import { createMediaConnectClient } from '../../src/worker';

/**
 * A MediaConnect client for a local endpoint (moto or the simulator), built as the worker builds
 * its own (`createMediaConnectClient`: a single attempt, so tests see every answer the server
 * gives instead of the SDK's retries), with static dummy credentials; `config` adds to it (a request timeout).
 */
export function mediaConnectClientFor(
  endpoint: string,
  region = 'us-east-1',
  config: MediaConnectClientConfig = {},
): MediaConnectClient {
  return createMediaConnectClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...config,
  });
}
