import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // promtool and Compose's loader run as processes; everything else reads files.
    testTimeout: 60_000,
  },
});
