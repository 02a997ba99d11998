#!/usr/bin/env node
/**
 * `pnpm dev`: `turbo watch dev` starts every part (the services, the trace viewer, nginx); this
 * watches over the start, says when DogBook is ready, and stops everything when a part cannot start.
 * (To run a few parts only, call turbo itself: `pnpm turbo watch dev --filter=@dogbook/dogs`.)
 */
import { devSetup } from './parts';
import { superviseDev } from './supervise';

const { parts, entry, notes } = devSetup();
const color = process.stdout.isTTY ? ['--color'] : [];

superviseDev({ parts, entry, notes, command: 'turbo', args: ['watch', 'dev', ...color] }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`DogBook: pnpm dev failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
