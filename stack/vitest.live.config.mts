import { defineConfig } from 'vitest/config';

// The live suite, against the stack `pnpm stack:up` started (its addresses in
// .stack/addresses.json); `pnpm stack:test` runs it (src/live.ts). Not part of `pnpm test`.
export default defineConfig({
  test: {
    include: ['live/*.test.ts'],
    // The files share one stack and the machine's two cores: one file at a time.
    fileParallelism: false,
    // The collector sends in batches, span metrics every 15 s: answers take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every test by name, the skipped ones too: a dashboard panel left out says why.
    reporters: ['verbose'],
  },
});
