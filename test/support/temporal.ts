import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/common/search-attributes';
import { TestWorkflowEnvironment, type LocalTestWorkflowEnvironmentOptions, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';

const REPO = path.resolve(__dirname, '..', '..');
const VENV_BIN = path.join(REPO, '.tools', 'venv', 'bin');

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The Temporal CLI (dev server): `npm run setup`'s copy, else one on PATH, else the SDK downloads it. */
export function temporalCliPath(): string | undefined {
  const local = path.join(VENV_BIN, 'temporal');
  return existsSync(local) ? local : onPath('temporal');
}

/** The time-skipping test server: `npm run setup`'s copy, else the SDK downloads it. */
export function testServerPath(): string | undefined {
  const local = path.join(VENV_BIN, 'temporal-test-server');
  return existsSync(local) ? local : onPath('temporal-test-server');
}


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
export function createTimeSkippingServer(options: TimeSkippingTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  const bin = testServerPath();
  return TestWorkflowEnvironment.createTimeSkipping({
    ...options,
    server: { ...(bin && { executable: { type: 'existing-path', path: bin } }), ...options.server },
  });
}
