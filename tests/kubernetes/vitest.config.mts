import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // kustomize runs once per file, as a process; everything else reads files.
    testTimeout: 20_000,
  },
});
