import { MediaConnectClient } from '@aws-sdk/client-mediaconnect';

/**
 * A MediaConnect client for a local endpoint (moto or the simulator): static dummy credentials,
 * and a single attempt so tests see every answer the server gives instead of the SDK's retries.
 */
export function mediaConnectClientFor(endpoint: string, region = 'us-east-1'): MediaConnectClient {
  return new MediaConnectClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}
