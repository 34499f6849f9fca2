/** The progress table, the summary and the live views: pure rendering, no server. */
import { createLiveView } from '../../src/live-view/live-view';
import {
  formatElapsed,
  renderProgressLine,
  renderProgressTable,
  renderSummary,
  type BringUpRow,
} from '../../src/live-view/progress-table';

const arn = (name: string) => `arn:aws:mediaconnect:us-east-1:111122223333:flow:1-abc-def:${name}`;
const row = (name: string, fields: Partial<BringUpRow>): BringUpRow => ({
  flowArn: arn(name),
  flowName: name,
  workflowId: `bring-flow-online:${arn(name)}`,
  state: 'running',
  ...fields,
});

const ROWS: BringUpRow[] = [
  row('MainStage', { state: 'active', flowStatus: 'ACTIVE', polls: 5, elapsedMs: 6_100 }),
  row('RedCarpet', {
    state: 'failed',
    flowStatus: 'ERROR',
    polls: 3,
    elapsedMs: 4_000,
    failure: { type: 'FlowError', message: 'Flow RedCarpet went to ERROR: Source lost' },
  }),
  row('Backstage', { flowStatus: 'STARTING', polls: 12, elapsedMs: 125_000, note: 'MediaConnect throttled 2 calls' }),
  row('PressRoom', {}),
];

describe('renderProgressTable', () => {
  it('lines up one row per bring-up under a header, with a footer counting what is done', () => {
    expect(renderProgressTable(ROWS)).toEqual([
      'FLOW       STATUS            POLLS  ELAPSED',
      'MainStage  ACTIVE                5     6.1s',
      'RedCarpet  FAILED FlowError      3     4.0s',
      'Backstage  STARTING             12    2m05s  MediaConnect throttled 2 calls',
      'PressRoom  checking              -        -',
      '2 of 4 done: 1 ACTIVE, 1 failed',
    ]);
  });

  it('shows NOT FOUND for a flow without a bring-up and counts it as done', () => {
    const lines = renderProgressTable([row('Ghost', { state: 'not-found' })]);
    expect(lines[1]).toMatch(/^Ghost\s+NOT FOUND/);
    expect(lines[2]).toBe('1 of 1 done: 0 ACTIVE, 0 failed, 1 not found');
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [4_250, '4.2s'],
    [59_999, '59.9s'],
    [125_000, '2m05s'],
    [3_720_000, '1h02m'],
    [-1, '-'],
  ])('shows %d ms as %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe('renderProgressLine', () => {
  it('names the flow, its status, polls and elapsed time, and for a failure its message', () => {
    expect(renderProgressLine(ROWS[2])).toBe('Backstage: STARTING (12 polls, 2m05s) MediaConnect throttled 2 calls');
    expect(renderProgressLine(ROWS[1])).toBe(
      'RedCarpet: FAILED FlowError (3 polls, 4.0s) Flow RedCarpet went to ERROR: Source lost',
    );
    expect(renderProgressLine(row('One', { polls: 1 }))).toBe('One: checking (1 poll)');
  });
});

describe('renderSummary', () => {
  it('lists the ACTIVE flows, the failed ones with failure type and message, and a Web UI link per bring-up', () => {
    const lines = renderSummary(ROWS.slice(0, 2), { uiUrl: (r) => `http://ui/${encodeURIComponent(r.workflowId)}` });
    expect(lines).toEqual([
      'Summary: 1 of 2 flows ACTIVE, 1 failed',
      'ACTIVE:',
      '  MainStage  5 polls, 6.1s',
      'FAILED:',
      '  RedCarpet  FlowError: Flow RedCarpet went to ERROR: Source lost',
      'In the Temporal Web UI:',
      `  MainStage  http://ui/${encodeURIComponent(ROWS[0].workflowId)}`,
      `  RedCarpet  http://ui/${encodeURIComponent(ROWS[1].workflowId)}`,
    ]);
  });

  it('mentions bring-ups still running', () => {
    expect(renderSummary([ROWS[2]])).toEqual([
      'Summary: 0 of 1 flows ACTIVE, 0 failed, 1 still running',
      'STILL RUNNING:',
      '  Backstage  STARTING',
    ]);
  });
});

describe('createLiveView', () => {
  const collector = (isTTY: boolean, columns = 80) => {
    const stream = { text: '', isTTY, columns, write: (chunk: string) => (stream.text += chunk) };
    return stream;
  };

  it('prints one plain line per change, and none when only the poll count moved, when not a terminal', () => {
    const stream = collector(false);
    const view = createLiveView(stream);
    view.update([row('A', { flowStatus: 'STARTING', polls: 1 })]);
    view.update([row('A', { flowStatus: 'STARTING', polls: 2 })]);
    view.close([row('A', { state: 'active', flowStatus: 'ACTIVE', polls: 3 })]);
    expect(stream.text).toBe('A: STARTING (1 poll)\nA: ACTIVE (3 polls)\n');
    expect(stream.text).not.toContain('\x1b');
  });

  it('redraws the table in place on a terminal: cursor up by the lines drawn, clear, draw', () => {
    const stream = collector(true);
    const view = createLiveView(stream);
    view.update([row('A', { flowStatus: 'STARTING', polls: 1 })]);
    const first = stream.text;
    expect(first).not.toContain('\x1b');
    expect(first.split('\n')).toHaveLength(4); // header, row, footer, and the final newline
    view.update([row('A', { state: 'active', flowStatus: 'ACTIVE', polls: 2 })]);
    // eslint-disable-next-line no-control-regex -- the ANSI escapes are what this test checks
    expect(stream.text.slice(first.length)).toMatch(/^\x1b\[3A\r\x1b\[JFLOW .*\nA .*ACTIVE/);
  });

  it('cuts lines to the terminal width, so a redraw never miscounts wrapped lines', () => {
    const stream = collector(true, 20);
    createLiveView(stream).update([row('A', { flowStatus: 'STARTING', note: 'a very long remark that would wrap' })]);
    expect(Math.max(...stream.text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(19);
  });
});
