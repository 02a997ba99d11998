import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // The CLI tests start `pnpm lab` as a process each: deadlines for a busy machine.
    testTimeout: 30_000,
  },
});
