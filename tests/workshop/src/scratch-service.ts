import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { REPO_ROOT } from './lab-text';

export interface ScratchService {
  /** The copy's folder: start the service from here. */
  dir: string;
  remove(): void;
}

function run(command: string, args: string[], cwd: string, input?: string): void {
  const result = spawnSync(command, args, { cwd, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`);
  }
}

/**
 * A copy of `services/<service>` outside the repository, with `patch` applied (paths as written
 * from the repository root, `a/services/<service>/...`) and built: the code change a lab asks for,
 * made without touching the working tree. The copy borrows the service's installed dependencies
 * through a symlink to its node_modules, which is only read; no package manager runs in the copy.
 */
export function patchedCopy(service: string, patch: string): ScratchService {
  const source = join(REPO_ROOT, 'services', service);
  const dir = mkdtempSync(join(tmpdir(), `dogbook-${service}-`));
  try {
    cpSync(source, dir, {
      recursive: true,
      filter: (path) =>
        !relative(source, path)
          .split(sep)
          .some((part) => part === 'node_modules' || part === 'dist'),
    });
    symlinkSync(join(source, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // git apply works as a plain patch tool outside a repository; -p3 drops a/services/<service>/.
    run('git', ['apply', '-p3', '-'], dir, patch);
    run(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
