import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lab-text';

export interface CheckRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Nothing listens on the discard port: Grafana is "not running" unless a test says otherwise. */
const NO_GRAFANA = 'http://127.0.0.1:9';
/** Where `pnpm lab` writes down spent riddles (lab 5): a folder of this run's, not the home folder. */
const STATE_HOME = mkdtempSync(join(tmpdir(), 'dogbook-lab-state-'));

/**
 * `pnpm lab <args>` as pnpm runs it: the root package.json's `lab` script, from the repository
 * root, with the arguments appended. (Not pnpm itself: a pnpm started by a test may decide to
 * install.)
 */
export function pnpmLab(args: string[], env: Record<string, string>): Promise<CheckRun> {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const quoted = args.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', `${scripts.lab} ${quoted}`],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', XDG_STATE_HOME: STATE_HOME, GRAFANA_URL: NO_GRAFANA, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
