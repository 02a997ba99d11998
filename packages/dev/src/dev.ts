#!/usr/bin/env node
/**
 * `pnpm dev`: starts every part (the services, the trace viewer, nginx) and keeps it running:
 * restarted when it stops or its build changes, and said so (see supervise.ts). turbo only
 * rebuilds: `turbo watch build` rebuilds a part, and what it runs on, as you edit its sources.
 */
import { devSetup } from './parts';
import { superviseDev } from './supervise';

const { parts, entry, notes } = devSetup();
// Only a failed build's output: cache hits and successful builds say nothing here.
const rebuilder = ['turbo', 'watch', 'build', ...parts.map((part) => `--filter=${part.packageName}...`), '--output-logs=errors-only'];

superviseDev({ parts, entry, notes, rebuilder }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`DogBook: pnpm dev failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
