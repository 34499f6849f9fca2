/** Hostile text on its way to a terminal: the helper, and every renderer that prints outside text. */
import {
  renderFailures,
  renderProgressLine,
  renderProgressTable,
  renderSummary,
  type BringUpRow,
} from '../../src/live-view/progress-table';
import { terminalSafe, terminalSafeLines } from '../../src/live-view/terminal-text';

/** Any control character a terminal acts on (line feeds between lines are the renderers' own, and checked apart). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it.each([
    ['clear screen', 'lost\x1b[2J\x1b[H', 'lost\\x1b[2J\\x1b[H'],
    [
      'OSC 8 hyperlink ended by BEL',
      '\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07',
      '\\x1b]8;;https://evil.example/\\x07click\\x1b]8;;\\x07',
    ],
    ['window title ended by ST', '\x1b]0;owned\x1b\\', '\\x1b]0;owned\\x1b\\'],
    ['CRLF and tabs', 'line one\r\nline two\tthree', 'line one line two three'],
    ['a bell', 'ring\x07ring', 'ring\\x07ring'],
    ['DEL and NUL', 'a\x7fb\x00c', 'a\\x7fb\\x00c'],
    ['C1 CSI', 'red \u009b31m text', 'red \\x9b31m text'],
    ['bidi override', 'file\u202Egnp.exe', 'file\\u202egnp.exe'],
  ])('neutralises %s', (_what, text, expected) => {
    expect(terminalSafe(text)).toBe(expected);
    expect(terminalSafe(text)).not.toMatch(CONTROL);
  });

  it('keeps ordinary Unicode as it is', () => {
    const text = 'Flux « Défilé » – 認証エラー 🎥 Ωmega';
    expect(terminalSafe(text)).toBe(text);
  });

  it('terminalSafeLines keeps line breaks (a stack trace) and neutralises the rest', () => {
    expect(terminalSafeLines('Error: bad\x1b[2J\r\n    at x (y.ts:1:2)\n    at z')).toBe(
      'Error: bad\\x1b[2J\n    at x (y.ts:1:2)\n    at z',
    );
  });
});

describe('the renderers', () => {
  const HOSTILE = 'Source lost\x1b[2J\r\nsee \x1b]8;;https://evil.example/\x07here\x1b]8;;\x07\x07';
  const rows: BringUpRow[] = [
    {
      flowArn: 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abc-def:Evil',
      flowName: 'Evil\x1b[31m',
      workflowId: 'bring-flow-online:Evil',
      state: 'failed',
      flowStatus: 'ERROR',
      failure: { type: 'FlowError\x1b[8m', message: `Flow Evil went to ERROR: ${HOSTILE}` },
    },
    {
      flowArn: 'arn:x',
      flowName: 'Running',
      workflowId: 'w2',
      state: 'running',
      flowStatus: 'STARTING\r\x1b[K',
      note: `last error: ${HOSTILE}`,
    },
    { flowArn: 'arn:y', flowName: 'Gone', workflowId: 'w3\x1b[2J', state: 'not-found' },
  ];

  it.each([
    ['the progress table', () => renderProgressTable(rows)],
    ['the progress lines', () => rows.map(renderProgressLine)],
    ['the failures', () => renderFailures(rows)],
    ['the summary', () => renderSummary(rows, { uiUrl: (row) => `http://ui/${row.workflowId}` })],
  ])('print no control character in %s, one line per line, and show what was there', (_what, render) => {
    const lines = render();
    for (const line of lines) {
      expect({ line, control: CONTROL.test(line) }).toEqual({ line, control: false });
    }
    const text = lines.join('\n');
    expect(text).toContain('\\x1b[');
  });

  it('keeps the table aligned: every row is as wide as its header cells say', () => {
    const [header, ...body] = renderProgressTable(rows);
    const statusColumn = header.indexOf('STATUS');
    for (const line of body.slice(0, rows.length)) expect(line.length).toBeGreaterThan(statusColumn);
    expect(body[0].slice(statusColumn)).toMatch(/^FAILED FlowError\\x1b\[8m/);
    expect(body[1].slice(statusColumn)).toMatch(/^STARTING \\x1b\[K/);
  });
});
