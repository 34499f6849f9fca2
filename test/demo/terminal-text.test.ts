/**
 * Hostile text through the demo: its ERROR flow reports error messages that carry escape
 * sequences, line breaks and a bell. The demo runs in-process on a stream that says it is a
 * terminal, so the redrawn table is what gets tested; the bring-up's failure keeps the messages exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Demo } from '../../src/demo/run-demo';
import {
  CONTROL_BUT_NEWLINE,
  HOSTILE_ERROR_MESSAGES,
  NEUTRALISED_ERROR_MESSAGES,
  REDRAW,
} from '../support/hostile-text';
import { freePort } from '../support/ports';

const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaconnect-demo-hostile-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('prints the flow error messages neutralised in the live table and the summary, and keeps them exact in the failure', async () => {
  const [temporalPort, uiPort] = [await freePort(), await freePort()];
  let output = '';
  const terminal = { write: (text: string) => (output += text), isTTY: true, columns: 400 };
  const demo = new Demo(
    {
      flows: 3,
      startingSeconds: 1,
      pollInterval: '200ms',
      temporalPort,
      uiPort,
      dbFile: path.join(dataDir, 'temporal.db'),
      taskQueue: 'demo-terminal-text',
      refreshMs: 100,
      errorMessages: HOSTILE_ERROR_MESSAGES,
    },
    terminal,
  );
  try {
    expect(await demo.run()).toBe(0); // RedCarpet failing with FlowError is the plan

    expect(output).toMatch(REDRAW); // the terminal view, redrawn in place
    const printed = output.replace(REDRAW, '');
    expect(printed).not.toMatch(CONTROL_BUT_NEWLINE);
    const failed = printed.split('\n').filter((line) => /^ {2}RedCarpet\s+FlowError:/.test(line));
    expect(failed).toHaveLength(1);
    for (const text of NEUTRALISED_ERROR_MESSAGES) expect(failed[0]).toContain(text);
    // The table's last drawing shows RedCarpet failed on one line, between its neighbours.
    const table = printed.slice(printed.lastIndexOf('FLOW '), printed.indexOf('Summary:'));
    expect(table.split('\n').filter((line) => line.startsWith('RedCarpet'))).toEqual([
      expect.stringMatching(/^RedCarpet\s+FAILED FlowError\b/),
    ]);

    // What the demo prints is neutralised; what Temporal keeps is not.
    const link = /^ {2}RedCarpet\s+http:\/\/\S+\/workflows\/(\S+)$/m.exec(printed);
    expect(link).not.toBeNull();
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    try {
      const failure = await new Client({ connection }).workflow
        .getHandle(decodeURIComponent(link![1]))
        .result()
        .then(
          () => undefined,
          (err: Error & { cause?: { type?: string; details?: Array<{ errors: string[] }> } }) => err.cause,
        );
      expect(failure?.type).toBe('FlowError');
      expect(failure?.details?.[0].errors).toEqual(HOSTILE_ERROR_MESSAGES);
    } finally {
      await connection.close();
    }
  } finally {
    await demo.stop(false);
  }
}, 180_000);
