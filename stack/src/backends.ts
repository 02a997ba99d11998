import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The programs build-backends.sh provides. */
export interface Binaries {
  collector: string;
  prometheus: string;
}

const SCRIPT = join(__dirname, '..', 'build-backends.sh');

/**
 * Runs build-backends.sh: instant once the cache holds every binary, a cold build otherwise.
 * Its progress goes to our stderr; its stdout names one binary a line.
 */
export function provideBinaries(): Binaries {
  const result = spawnSync('bash', [SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`build-backends.sh failed (exit ${result.status})`);
  const found = Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
  for (const name of ['collector', 'prometheus']) {
    if (!found[name]) throw new Error(`build-backends.sh named no ${name} binary`);
  }
  return found as unknown as Binaries;
}
