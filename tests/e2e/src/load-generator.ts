import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { own } from '@dogbook/processes';

export interface GeneratorExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built load generator as `pnpm load` does: its package's start script, in its folder, with
 * only the settings given, so none of the test runner's environment leaks in.
 */
export function runLoadGenerator(env: Record<string, string>): Promise<GeneratorExit> {
  const dir = dirname(require.resolve('@dogbook/load/package.json'));
  const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = scripts.start.split(' ');
  if (node !== 'node') throw new Error(`@dogbook/load's start script does not run node: ${scripts.start}`);
  const child = spawn(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
  // Should the test run end first, the generator must not outlive it.
  own(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    // 'close', not 'exit': by then stdout and stderr have been read to the end.
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}
