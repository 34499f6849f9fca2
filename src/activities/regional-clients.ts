import { MediaConnectClient, type MediaConnectClientConfig } from '@aws-sdk/client-mediaconnect';

/**
 * A MediaConnect client per region, so that every call goes to the flow's own region (the region
 * in its ARN), built on first use from one template client: the worker's (or your) client.
 *
 * The template serves its own region. Another region's client is a new `MediaConnectClient` with
 * the template's settings: the same credentials provider (one credential chain, one cache), the
 * same request handler (connection pool, proxy, TLS), the same retry settings (`maxAttempts: 1`),
 * FIPS / dual-stack choices and logger, and the same endpoint when the template was given one
 * explicitly (`endpoint`). Without one, each client resolves its region's endpoint itself, and
 * `AWS_ENDPOINT_URL_MEDIACONNECT` / `AWS_ENDPOINT_URL`, which the AWS SDK reads, still apply.
 *
 * Because the regional clients share the template's request handler, destroying the template
 * (`client.destroy()`, as the worker does on shutdown) closes their connections too.
 */
export class RegionalMediaConnectClients {
  private readonly clients = new Map<string, MediaConnectClient>();

  constructor(private readonly template: MediaConnectClient) {}

  /** The template's region: where calls with no flow to go by (ListFlows without `region`) go. */
  defaultRegion(): Promise<string> {
    return this.template.config.region();
  }

  /** The client for `region`: the template in its own region, otherwise one built (once) from its settings. */
  async forRegion(region: string): Promise<MediaConnectClient> {
    const templateRegion = await this.template.config.region().catch(() => undefined); // a template may have no region of its own
    if (region === templateRegion) return this.template;
    let client = this.clients.get(region);
    if (!client) {
      client = new MediaConnectClient({ ...settingsOf(this.template), region });
      this.clients.set(region, client);
    }
    return client;
  }
}

/** What another region's client takes over from the template (everything but the region). */
function settingsOf(template: MediaConnectClient): MediaConnectClientConfig {
  const config = template.config;
  return {
    credentials: config.credentials,
    requestHandler: config.requestHandler,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    useFipsEndpoint: config.useFipsEndpoint,
    useDualstackEndpoint: config.useDualstackEndpoint,
    logger: config.logger,
    tls: config.tls,
    ...(config.isCustomEndpoint && { endpoint: config.endpoint }),
  };
}
