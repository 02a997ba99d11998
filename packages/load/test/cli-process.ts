import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE_DIR = join(__dirname, '..');

export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  exited: Promise<CliExit>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Runs the built generator the way `pnpm load` does: the package's start script, in its folder,
 * with only the settings given (none inherited from the test run's environment).
 */
export function startCli(env: Record<string, string>): CliProcess {
  const { scripts } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = scripts.start.split(' ');
  if (node !== 'node') throw new Error(`the start script does not run node: ${scripts.start}`);
  const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliExit>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return { exited, kill: (signal) => child.kill(signal) };
}
