import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // The command-line tests run the generator for a few seconds against a local server.
    testTimeout: 20_000,
  },
});
