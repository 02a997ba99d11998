import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // Each file starts a stack of processes; one file at a time keeps two cores from being swamped,
    // which would turn deadlines into flakes.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    benchmark: {
      include: ['bench/*.bench.ts'],
    },
  },
});
