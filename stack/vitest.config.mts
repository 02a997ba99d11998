import { defineConfig } from 'vitest/config';

// `pnpm test`: the address mapping, checked against the committed files. No backend runs.
export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
  },
});
