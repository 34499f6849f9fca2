/**
 * Hostile text from MediaConnect through the CLI: a simulated flow whose error messages carry
 * escape sequences, line breaks and a bell. The live table (on a terminal), the progress lines,
 * the summary and `status` print them neutralised; `--json` prints them exactly.
 */
import { runCli } from '../../src/cli/main';
import {
  CONTROL_BUT_NEWLINE,
  HOSTILE_ERROR_MESSAGES,
  NEUTRALISED_ERROR_MESSAGES as NEUTRALISED,
  REDRAW,
} from '../support/hostile-text';
import { useTestbed } from '../support/testbed';

const taskQueue = 'cli-terminal-text';
const bed = useTestbed({ server: 'dev', taskQueue });
const FAST = ['--task-queue', taskQueue, '--poll-interval', '200ms', '--refresh-ms', '100'];

async function cli(args: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void) => ({
    write: (text: string) => append(text),
    ...(tty && { isTTY: true, columns: 400 }),
  });
  const code = await runCli(args, {
    stdout: stream((text) => (stdout += text)),
    stderr: stream((text) => (stderr += text)),
    env: { TEMPORAL_ADDRESS: bed.env.address, TEMPORAL_NAMESPACE: 'default', HOME: '/nonexistent' },
  });
  return { code, stdout, stderr };
}

describe('flow error messages with escape sequences and line breaks', () => {
  let flowArn: string;
  beforeAll(() => {
    flowArn = bed.sim.createFlow({
      name: 'Hostile',
      startingDuration: 300,
      outcome: 'ERROR',
      errorMessages: HOSTILE_ERROR_MESSAGES,
    });
  });

  it('reach the terminal neutralised: the redrawn table and the summary keep one line per line', async () => {
    const run = await cli(['start', flowArn, '--wait', ...FAST], true);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(REDRAW); // it really was the terminal view
    const printed = run.stdout.replace(REDRAW, '');
    expect(printed).not.toMatch(CONTROL_BUT_NEWLINE);
    for (const text of NEUTRALISED) expect(printed).toContain(text);
    // The summary names the failure on one line, with every message on it.
    const failed = printed.split('\n').filter((line) => line.startsWith('  Hostile'));
    expect(failed).toEqual([expect.stringMatching(/^ {2}Hostile\s+FlowError: Flow Hostile went to ERROR: /)]);
    for (const text of NEUTRALISED) expect(failed[0]).toContain(text);
  });

  it('reach `status` and the progress lines neutralised too', async () => {
    const status = await cli(['status', flowArn]);
    expect(status.code).toBe(1);
    expect(status.stdout).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(status.stdout).toMatch(/^Hostile\s+FAILED FlowError/m);
    for (const text of NEUTRALISED) expect(status.stdout).toContain(text);

    const lines = await cli(['start', flowArn, '--wait', '--json', ...FAST]);
    expect(lines.stderr).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(lines.stderr).toMatch(/^Hostile: FAILED FlowError .*line one line two/m);
  });

  it('stay exact in --json', async () => {
    const run = await cli(['status', flowArn, '--json']);
    const report = JSON.parse(run.stdout) as {
      bringUps: Array<{ failure: { message: string; details: Array<{ errors: string[] }> } }>;
    };
    expect(report.bringUps[0].failure.details[0].errors).toEqual(HOSTILE_ERROR_MESSAGES);
    for (const text of HOSTILE_ERROR_MESSAGES) expect(report.bringUps[0].failure.message).toContain(text);
  });
});
