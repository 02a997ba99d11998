import { defineConfig } from 'vitest/config';

// `pnpm stack:test`: the live suite, against the backends `pnpm stack:up` started
// (their addresses in .stack/addresses.json). Not part of `pnpm test`.
export default defineConfig({
  test: {
    include: ['live/*.test.ts'],
    // The files share one stack and the machine's two cores: one file at a time.
    fileParallelism: false,
    // Backends ingest in batches (the collector, Loki's flush): answers take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every test by name, the skipped ones too: a dashboard panel left out says why.
    reporters: ['verbose'],
  },
});
