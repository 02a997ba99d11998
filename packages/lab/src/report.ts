import { styleText } from 'node:util';
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
  for (const criterion of criteria) {
    if (criterion.ok) {
      lines.push(`${paint('green', '✓')} ${criterion.text}`);
    } else {
      lines.push(`${paint('red', '✗')} ${criterion.text}`);
      lines.push(`    ${paint('dim', 'hint:')} ${criterion.hint}`);
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
