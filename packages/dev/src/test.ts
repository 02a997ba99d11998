#!/usr/bin/env node
/**
 * `pnpm test`: `turbo run test --continue` (every package's type check and tests, each run even when
 * another fails, so the summary counts them all), its output passed through
 * as it comes, then a plain summary: how many tests passed, failed and were skipped, and for each
 * package that skipped some, the reason its tests gave (no nginx, no promtool, ...). Arguments go on
 * to turbo, e.g. `pnpm test --filter=@dogbook/lab`.
 */
import { spawn } from 'node:child_process';
import { lineSplitter } from './lines';
import { formatSummary, tallyTests } from './test-summary';

const color = process.stdout.isTTY ? ['--color'] : [];
const turbo = spawn('turbo', ['run', 'test', '--continue', ...color, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'pipe'] });
const lines: string[] = [];
for (const [stream, target] of [
  [turbo.stdout, process.stdout],
  [turbo.stderr, process.stderr],
] as const) {
  const split = lineSplitter((line) => lines.push(line));
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    target.write(chunk);
    split.push(chunk);
  });
  stream.on('end', () => split.end());
}
// Ctrl-C reaches turbo too; wait for it rather than leave its tasks behind.
process.on('SIGINT', () => {});

turbo.on('error', (error) => {
  console.error(`pnpm test: turbo could not be started: ${error.message}`);
  process.exit(1);
});
turbo.on('close', (code, signal) => {
  process.stdout.write(`\n${formatSummary(tallyTests(lines)).join('\n')}\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
