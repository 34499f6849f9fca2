/**
 * The Markdown of a workflow's summary details in the Temporal Web UI (static details at start,
 * current details as it runs): a heading line, then a list of facts.
 */

/**
 * `heading`, a blank line, then one `- item` line per item. The Web UI renders a list only after a
 * blank line, so the blank line is always there.
 */
export function detailsMarkdown(heading: string, items: readonly string[]): string {
  return [heading, '', ...items.map((item) => `- ${item}`)].join('\n');
}
