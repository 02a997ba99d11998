import { plain } from './lines';

/** What one package's test task reported. */
export interface PackageTally {
  packageName: string;
  passed: number;
  failed: number;
  skipped: number;
  /** The lines its tests printed to say why they skipped something ("nginx tests skipped: ..."). */
  reasons: string[];
}

/** turbo prefixes every line of a task with it: `@dogbook/e2e-tests:test: ...`. */
const TEST_TASK_LINE = /^(@?[\w./-]+):test: (.*)$/;
/** vitest's closing count: `Tests  3 failed | 81 passed | 86 skipped (170)`. */
const VITEST_TESTS = /^\s*Tests\s+(.+?)\s+\(\d+\)\s*$/;
/** How the tests that skip part of a suite say so, wherever they are. */
const SKIP_REASON = /\bskipped:\s/i;
/** The lines of a summary printed earlier in the same log, which are no test's own words. */
const OWN_SUMMARY = /^(pnpm test: |\s+\d+ skipped in )/;

/**
 * The tally of every package whose test task ran (or was replayed from turbo's cache). Lines
 * without turbo's prefix (a package's tests run by `pnpm --filter`) count for `unprefixed`, when given.
 */
export function tallyTests(lines: string[], { unprefixed }: { unprefixed?: string } = {}): PackageTally[] {
  const tallies = new Map<string, PackageTally>();
  for (const raw of lines) {
    const line = plain(raw);
    const match = TEST_TASK_LINE.exec(line);
    if (!match && (unprefixed === undefined || OWN_SUMMARY.test(line))) continue;
    const [packageName, rest] = match ? [match[1]!, match[2]!] : [unprefixed!, line];
    let tally = tallies.get(packageName);
    if (!tally) {
      tally = { packageName, passed: 0, failed: 0, skipped: 0, reasons: [] };
      tallies.set(packageName, tally);
    }
    const counts = VITEST_TESTS.exec(rest);
    if (counts) {
      for (const part of counts[1]!.split('|')) {
        const [number, kind] = part.trim().split(/\s+/);
        if (kind === 'passed' || kind === 'failed' || kind === 'skipped') tally[kind] += Number(number);
      }
    } else if (SKIP_REASON.test(rest) && !tally.reasons.includes(rest.trim())) {
      tally.reasons.push(rest.trim());
    }
  }
  return [...tallies.values()];
}

/**
 * The closing lines of `pnpm test`: the sums, then each package that skipped tests and why, so
 * "everything passed" can never hide a suite that did not run.
 */
export function formatSummary(tallies: PackageTally[], title = 'pnpm test'): string[] {
  const sum = (key: 'passed' | 'failed' | 'skipped') => tallies.reduce((total, tally) => total + tally[key], 0);
  const skipped = sum('skipped');
  // The first line is the plain 'N passed, N failed, N skipped' that CI and people read at a glance.
  const lines = [`${title}: ${sum('passed')} passed, ${sum('failed')} failed, ${skipped} skipped`, `  in ${tallies.length} packages`];
  for (const tally of tallies.filter((candidate) => candidate.skipped > 0)) {
    const why = tally.reasons.length > 0 ? tally.reasons.join(' / ') : 'no reason printed';
    lines.push(`  ${tally.skipped} skipped in ${tally.packageName}: ${why}`);
  }
  return lines;
}
