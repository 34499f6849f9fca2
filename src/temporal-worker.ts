import { ConfigurationError } from './config';

/**
 * `@temporalio/worker` (the SDK's native core, glibc only), loaded on first use rather than on
 * import: it is an optional peer dependency, which a service that only starts bring-ups need not
 * install. @throws ConfigurationError saying what to install when it is missing
 */
export function loadTemporalWorker(): typeof import('@temporalio/worker') {
  try {
    return require('@temporalio/worker');
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
      (err as Error).message.includes("'@temporalio/worker'")
    ) {
      throw new ConfigurationError(
        'Running or bundling workflows needs @temporalio/worker, an optional peer dependency of temporal-mediaconnect: install it at the version of your @temporalio/client (npm install @temporalio/worker@<that version>)',
      );
    }
    throw err;
  }
}
