import { defineConfig } from 'vitest/config';

export default defineConfig({
  // remark reads every page of the docs: generous deadlines, for a busy machine.
  test: { include: ['test/*.test.ts'], testTimeout: 60_000 },
});
