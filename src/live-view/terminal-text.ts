/**
 * Text from outside (MediaConnect's flow error messages, failure messages, statuses) made safe to
 * print on a terminal: no control character reaches it, so an escape sequence in a flow's error
 * message cannot clear the screen, retitle the window, plant a hyperlink or break the redrawn table.
 * JSON output does not go through here: it stays exact.
 */

/** Line breaks, tabs and other spacing controls: one space, so a message stays on its line. */
const SPACING = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/**
 * Every other control character: C0 (ESC and BEL among them), DEL and C1 (CSI `\u009b` among them),
 * and the bidirectional overrides and isolates that reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character neutralised: line breaks and tabs become a space; any other
 * (ESC, BEL, DEL, C1, bidi overrides) is shown as its escape (`\x1b`, `\u202e`), so the sequence it
 * started is printed as harmless text. Ordinary Unicode (accents, CJK, emoji) is kept.
 */
export function terminalSafe(text: string): string {
  return text.replace(SPACING, ' ').replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `text` made safe line by line: its own line breaks (`\n`, `\r\n`) are kept, as in a stack trace. */
export function terminalSafeLines(text: string): string {
  return text.split(/\r?\n/).map(terminalSafe).join('\n');
}
