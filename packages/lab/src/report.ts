import { styleText } from 'node:util';
import { printable } from '@dogbook/trace-viewer';
import type { Criterion } from './checks';

/** A colour or modifier name, or a list of them. */
type Style = Parameters<typeof styleText>[0];

/**
 * One line per criterion, ✓ or ✗, and the hint under each ✗; then one line saying whether the
 * lab is done. Colour only when `color` is set (a terminal without NO_COLOR).
 */
export function formatReport(criteria: Criterion[], color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text, { validateStream: false }) : text);
  const lines: string[] = [];
  // Texts quote span names and answers: made safe for the terminal, as the viewer's waterfalls are.
  for (const criterion of criteria) {
    if (criterion.ok) {
      lines.push(`${paint('green', '✓')} ${printable(criterion.text)}`);
    } else {
      lines.push(`${paint('red', '✗')} ${printable(criterion.text)}`);
      lines.push(`    ${paint('dim', 'hint:')} ${printable(criterion.hint)}`);
    }
  }
  const held = criteria.filter((criterion) => criterion.ok).length;
  lines.push(
    held === criteria.length
      ? paint(['green', 'bold'], `Done: all ${held} hold.`)
      : paint('bold', `Not yet: ${held} of ${criteria.length} hold.`),
  );
  return `${lines.join('\n')}\n`;
}
