import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // The supervisor tests run a stand-in for turbo that starts and stops real listeners.
    testTimeout: 20_000,
  },
});
