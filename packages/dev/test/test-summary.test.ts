import { describe, expect, it } from 'vitest';
import { formatSummary, tallyTests } from '../src/test-summary';

/** Lines as `turbo run test` prints them: each task's lines prefixed, vitest's own colours left in. */
const TURBO_OUTPUT = `
@dogbook/lab:test: cache hit, replaying logs 4f1c2a
@dogbook/lab:test:  \u001b[32m✓\u001b[39m test/cli.test.ts (15 tests) 3181ms
@dogbook/lab:test: \u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m31 passed\u001b[39m\u001b[22m\u001b[90m (31)\u001b[39m
@dogbook/e2e-tests:test: nginx tests skipped: this machine lacks nginx (Debian/Ubuntu: sudo apt-get install nginx), so the gateway tests (gateway.test.ts) are skipped.
@dogbook/e2e-tests:test: nginx tests skipped: this machine lacks nginx (Debian/Ubuntu: sudo apt-get install nginx), so the gateway tests (gateway.test.ts) are skipped.
@dogbook/e2e-tests:test:  Test Files  3 passed | 2 skipped (5)
@dogbook/e2e-tests:test:       Tests  12 passed | 80 skipped (92)
@dogbook/stack-checks:test: SKIPPED: promtool was not found, so prometheus.yaml cannot be validated (Debian: apt-get install prometheus).
@dogbook/stack-checks:test:       Tests  1 failed | 40 passed | 2 skipped (43)
@dogbook/kennels:test:       Tests  3 passed | 1 skipped (4)
@dogbook/kennels:build: $ tsc -p tsconfig.build.json
 Tasks:    27 successful, 27 total
`.split('\n');

describe("pnpm test's closing summary", () => {
  it('when packages skipped tests, then each is named with its count and the reason its tests printed, once', () => {
    expect(formatSummary(tallyTests(TURBO_OUTPUT))).toEqual([
      'pnpm test: 86 passed, 1 failed, 83 skipped',
      '  in 4 packages',
      '  80 skipped in @dogbook/e2e-tests: nginx tests skipped: this machine lacks nginx (Debian/Ubuntu: sudo apt-get install nginx), so the gateway tests (gateway.test.ts) are skipped.',
      '  2 skipped in @dogbook/stack-checks: SKIPPED: promtool was not found, so prometheus.yaml cannot be validated (Debian: apt-get install prometheus).',
      '  1 skipped in @dogbook/kennels: no reason printed',
    ]);
  });

  it('when nothing was skipped, then the summary says so in as many words', () => {
    const lines = ['@dogbook/lab:test:       Tests  31 passed (31)', '@dogbook/dev:test:       Tests  9 passed (9)'];

    expect(formatSummary(tallyTests(lines))).toEqual(['pnpm test: 40 passed, 0 failed, 0 skipped', '  in 2 packages']);
  });

  it('when a log also holds a suite run without turbo, then its lines count for the package named, and earlier summaries are not counted again', () => {
    const log = [
      '@dogbook/lab:test:       Tests  31 passed (31)',
      'pnpm test: 31 passed, 0 failed, 0 skipped',
      '  in 1 packages',
      '  80 skipped in @dogbook/e2e-tests: nginx tests skipped: this machine lacks nginx',
      'live suite skipped: no tempo binary on PATH',
      '      Tests  1 failed | 20 passed | 3 skipped (24)',
    ];

    expect(formatSummary(tallyTests(log, { unprefixed: '@dogbook/stack' }), 'CI')).toEqual([
      'CI: 51 passed, 1 failed, 3 skipped',
      '  in 2 packages',
      '  3 skipped in @dogbook/stack: live suite skipped: no tempo binary on PATH',
    ]);
  });
});
