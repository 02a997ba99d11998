#!/usr/bin/env node
/**
 * The closing summary of `pnpm test` (see test-summary.ts) for a saved log of several commands,
 * as CI runs them (.ci/run: `pnpm test`, then `pnpm stack:test`):
 *   node packages/dev/dist/summarize-log.js <log> [--title=CI] [--unprefixed=@dogbook/stack]
 * --unprefixed names the package whose tests printed without turbo's prefix.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSummary, tallyTests } from './test-summary';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { title: { type: 'string', default: 'tests' }, unprefixed: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: summarize-log.js <log> [--title=CI] [--unprefixed=<package>]');
  process.exit(2);
}
const lines = readFileSync(positionals[0]!, 'utf8').split('\n');
const tallies = tallyTests(lines, values.unprefixed === undefined ? {} : { unprefixed: values.unprefixed });
console.log(formatSummary(tallies, values.title).join('\n'));
