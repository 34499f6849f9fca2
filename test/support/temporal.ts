import { SEARCH_ATTRIBUTE_KEYS } from '../../src/common/search-attributes';
import { temporalCliPath, testServerPath } from '../../src/dev-server/temporal-cli';
import {
  TestWorkflowEnvironment,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';

// The binaries are found by the demo's module, so tests and `npm run demo` use the same ones.
export { temporalCliPath, testServerPath };

/** A dev server (full Temporal with SQLite) from an installed binary when there is one. */
export function createDevServer(options: LocalTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  const cli = temporalCliPath();
  return TestWorkflowEnvironment.createLocal({
    ...options,
    server: {
      ...(cli && { executable: { type: 'existing-path', path: cli } }),
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
      ...options.server,
    },
  });
}

/** The time-skipping test server from an installed binary when there is one. */
export function createTimeSkippingServer(
  options: TimeSkippingTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  const bin = testServerPath();
  return TestWorkflowEnvironment.createTimeSkipping({
    ...options,
    server: { ...(bin && { executable: { type: 'existing-path', path: bin } }), ...options.server },
  });
}
