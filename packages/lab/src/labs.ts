import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the labs live: workshop/ at the repository root. */
export const WORKSHOP_DIR = join(__dirname, '..', '..', '..', 'workshop');

export interface Lab {
  number: number;
  title: string;
  /** The lab's file, relative to the repository root: workshop/01-first-trace.md. */
  file: string;
  minutes: number;
  /** "`pnpm dev` or Docker", "Docker only": what the lab's header says it runs on. */
  runsOn: string;
}

/**
 * The labs, read from their own headers, so `pnpm lab list` can never disagree with the text:
 *
 *   # Lab 1: Your first trace
 *
 *   **Time:** 10 minutes · **Runs on:** `pnpm dev` or Docker · **Check:** `pnpm lab check 1`
 */
export function readLabs(dir = WORKSHOP_DIR): Lab[] {
  return readdirSync(dir)
    .filter((name) => /^\d{2}-.+\.md$/.test(name))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const heading = /^# Lab (\d+): (.+)$/m.exec(text);
      const minutes = /\*\*Time:\*\* (\d+) minutes/.exec(text);
      const runsOn = /\*\*Runs on:\*\* ([^·\n]+?)\s*(·|$)/m.exec(text);
      if (!heading || !minutes || !runsOn) {
        throw new Error(`workshop/${name} lacks its "# Lab N: title" heading or its Time / Runs on line`);
      }
      return {
        number: Number(heading[1]),
        title: heading[2]!.trim(),
        file: `workshop/${name}`,
        minutes: Number(minutes[1]),
        runsOn: runsOn[1]!.replaceAll('`', ''),
      };
    });
}
