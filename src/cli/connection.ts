/**
 * Where the CLI's Temporal is: `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE), overridden by the
 * `--address` and `--namespace` flags. Read once, at the entry point, and passed down.
 */
import { Client, Connection, isGrpcServiceError, type ConnectionOptions } from '@temporalio/client';
import { causeChain } from '../common/error-chain';
import { durationOption } from '../common/duration';
import { isHostPort } from '../common/host-port';
import { DEFAULT_TEMPORAL_ADDRESS, temporalConnectConfigFromEnv } from '../config';
import { CliError, ExitCode } from './exit-codes';

/** The flags every command takes to reach Temporal. */
export interface ConnectionFlags {
  /** `--address host:port`. @default TEMPORAL_ADDRESS, else 'localhost:7233' */
  address?: string;
  /** `--namespace`. @default TEMPORAL_NAMESPACE, else 'default' */
  namespace?: string;
  /** `--connect-timeout`: how long to wait for the server to answer at all. @default '10s' */
  connectTimeout?: string;
}

/** A resolved Temporal target: what to connect to, and how. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  connectionOptions: ConnectionOptions;
  /** Milliseconds to wait for the server before giving up with exit code 3. */
  connectTimeoutMs: number;
}

export const DEFAULT_CONNECT_TIMEOUT = '10s';

/** gRPC status codes that mean "the server is not there, or will not talk to us". */
const UNREACHABLE_GRPC_CODES = new Set([
  14, // UNAVAILABLE
  4, // DEADLINE_EXCEEDED
  16, // UNAUTHENTICATED
  7, // PERMISSION_DENIED
]);

/**
 * Resolves the target from the environment and the flags.
 * @throws CliError with exit code 2 for a setting that cannot work, naming it.
 */
export function resolveTemporalTarget(flags: ConnectionFlags, env: NodeJS.ProcessEnv): TemporalTarget {
  let config;
  try {
    config = temporalConnectConfigFromEnv(env);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.BadInput);
  }
  const address = flags.address ?? config.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  if (!isHostPort(address)) {
    const source = flags.address !== undefined ? '--address' : 'TEMPORAL_ADDRESS';
    throw new CliError(
      `${source} must be host:port (for example localhost:7233), got ${JSON.stringify(address)}`,
      ExitCode.BadInput,
    );
  }
  const namespace = flags.namespace ?? config.namespace ?? 'default';
  if (namespace.trim() === '') throw new CliError('--namespace must not be empty', ExitCode.BadInput);
  let connectTimeoutMs: number;
  try {
    connectTimeoutMs = durationOption('--connect-timeout', flags.connectTimeout, DEFAULT_CONNECT_TIMEOUT, {
      minMs: 100,
      maxMs: 600_000,
    });
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.BadInput);
  }
  const { tls, apiKey, metadata } = config.connectionOptions;
  return {
    address,
    namespace,
    connectTimeoutMs,
    connectionOptions: {
      address,
      connectTimeout: connectTimeoutMs,
      ...(tls !== undefined && { tls }),
      ...(apiKey !== undefined && { apiKey }),
      ...(metadata && { metadata }),
    },
  };
}

/** Connects and returns a client, or throws CliError with exit code 3 naming TEMPORAL_ADDRESS. */
export async function connectToTemporal(target: TemporalTarget): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect(target.connectionOptions);
  } catch (err) {
    throw unreachable(target, err);
  }
  return new Client({ connection, namespace: target.namespace });
}

/** True for errors that mean Temporal cannot be reached or used, anywhere in the cause chain. */
export function isTemporalUnavailable(err: unknown): boolean {
  return causeChain(err).some(
    (e) => e.name === 'NamespaceNotFoundError' || (isGrpcServiceError(e) && UNREACHABLE_GRPC_CODES.has(e.code)),
  );
}

/** The exit-3 error for `err`, with a message that says what to check. */
export function unreachable(target: TemporalTarget, err: unknown): CliError {
  const chain = causeChain(err);
  const reason = (chain.at(-1)?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (chain.some((e) => e.name === 'NamespaceNotFoundError')) {
    return new CliError(
      `Temporal at ${target.address} has no namespace ${JSON.stringify(target.namespace)} (${reason}): check TEMPORAL_NAMESPACE or --namespace`,
      ExitCode.TemporalUnavailable,
    );
  }
  return new CliError(
    `Cannot reach Temporal at ${target.address} (namespace ${target.namespace}): ${reason}. ` +
      'Check that the server is running and TEMPORAL_ADDRESS (or --address), TEMPORAL_TLS_* and TEMPORAL_API_KEY; --connect-timeout sets how long to wait.',
    ExitCode.TemporalUnavailable,
  );
}
