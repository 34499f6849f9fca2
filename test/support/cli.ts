import { runCli } from '../../src/cli/main';
import type { Testbed } from './testbed';

/** What one in-process CLI run wrote and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as the one JSON document `--json` promises. */
  json: <T = Record<string, unknown>>() => T;
}

/** Runs the CLI in-process with TEMPORAL_ADDRESS set to the testbed's server (and nothing else from the shell). */
export async function runCliAgainst(
  bed: Testbed,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { TEMPORAL_ADDRESS: bed.env.address, TEMPORAL_NAMESPACE: 'default', HOME: '/nonexistent', ...extraEnv },
  });
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
