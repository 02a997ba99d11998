import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // Only promtool runs as a process; everything else reads files.
    testTimeout: 15_000,
  },
});
