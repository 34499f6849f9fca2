import { detailsMarkdown } from '../../src/common/details-markdown';
import { fleetDetailsMarkdown, flowDetailsMarkdown } from '../../src/client';
import { parseFlowArn } from '../../src/common/arn';
import { GOOD_ARN } from '../support/bad-inputs';

/** The Web UI renders a Markdown list only when a blank line separates it from the line before. */
function listFollowsBlankLine(markdown: string): boolean {
  const lines = markdown.split('\n');
  const firstItem = lines.findIndex((line) => line.startsWith('- '));
  return firstItem > 0 && lines[firstItem - 1] === '';
}

describe('Web UI details Markdown', () => {
  it('puts a blank line between the heading and the list', () => {
    expect(detailsMarkdown('**Fleet of 2 flows**', ['active: 1', 'failed: 1'])).toBe(
      '**Fleet of 2 flows**\n\n- active: 1\n- failed: 1',
    );
  });

  it('with no facts, is the heading and the blank line', () => {
    expect(detailsMarkdown('**Empty**', [])).toBe('**Empty**\n');
  });

  it("renders a bring-up's and a fleet's static details as a list the Web UI shows", () => {
    const flow = parseFlowArn(GOOD_ARN);
    expect(listFollowsBlankLine(flowDetailsMarkdown(flow))).toBe(true);
    expect(flowDetailsMarkdown(flow)).toContain(`- ARN: \`${GOOD_ARN}\``);
    expect(listFollowsBlankLine(fleetDetailsMarkdown([flow]))).toBe(true);
  });

  it("lists a fleet's first 50 flows and counts the rest", () => {
    const flow = parseFlowArn(GOOD_ARN);
    const lines = fleetDetailsMarkdown(Array.from({ length: 60 }, () => flow)).split('\n');
    expect(lines[0]).toBe('**MediaConnect fleet** of 60 flows');
    expect(lines.filter((line) => line.startsWith('- '))).toHaveLength(51);
    expect(lines.at(-1)).toBe('- ... and 10 more');
  });
});
