import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, where workshop/ and the root package.json live. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface CodeBlock {
  /** The fence's info string: `sh`, `text`, `diff`, ... */
  lang: string;
  code: string;
  /** Inside a folded `<details>` (a hint or the solution), not one of the steps. */
  folded: boolean;
}

/** The fenced code blocks of a lab, in order, each knowing whether a `<details>` folds it away. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let depth = 0;
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (open) {
      if (fence && fence[1] === '') {
        blocks.push({ lang: open.lang, code: open.lines.join('\n'), folded: depth > 0 });
        open = undefined;
      } else {
        open.lines.push(line);
      }
    } else if (fence) {
      open = { lang: fence[1]!, lines: [] };
    } else {
      depth += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    }
  }
  if (open) throw new Error('a code block is never closed');
  return blocks;
}

export function readLab(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}
