import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    // kustomize runs once per file, and kubectl many times against the API server the test starts:
    // generous, as other work may hold both cores.
    testTimeout: 120_000,
  },
});
