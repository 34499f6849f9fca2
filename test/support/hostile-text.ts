/** Text an attacker able to set a flow's error messages (or a failure's message) could make the CLI and demo print. */

/** Flow error messages: clear-screen, an OSC 8 hyperlink ended by BEL, a CRLF that would break a redraw, a bell. */
export const HOSTILE_ERROR_MESSAGES = [
  'Source lost\x1b[2J\x1b[H',
  'see \x1b]8;;https://evil.example/\x07the runbook\x1b]8;;\x07',
  'line one\r\nline two',
  'ring\x07ring',
];

/** The same, as a terminal must show them: escapes printed as text, line breaks as a space. */
export const NEUTRALISED_ERROR_MESSAGES = [
  'Source lost\\x1b[2J\\x1b[H',
  'see \\x1b]8;;https://evil.example/\\x07the runbook\\x1b]8;;\\x07',
  'line one line two',
  'ring\\x07ring',
];

/** The live view's own cursor moves (up N lines, to column 0, clear to the end): the only escapes it may print. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const REDRAW = /\x1b\[\d+A\r\x1b\[J/g;

/** A control character other than the line feed that ends a line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
