/**
 * `pnpm stack:test`: the live suite, on two stacks in turn. First docker-compose.yml alone, for
 * every live/*.test.ts but the tail-sampling one; then with the tail-sampling override
 * (DOGBOOK_SAMPLING=tail), for live/tail-sampling.test.ts. Each stack is stopped after its files,
 * whatever they did; the exit code is the first failure's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const TAIL_SAMPLING_FILE = 'live/tail-sampling.test.ts';

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(command, args, { stdio: 'inherit', env, cwd: join(__dirname, '..') }).status ?? 1;

function pass(sampling: 'none' | 'tail', vitestArgs: string[]): number {
  const env = { ...process.env, DOGBOOK_SAMPLING: sampling };
  const up = run(process.execPath, [join(__dirname, 'up.js')], env);
  const status = up === 0 ? run('vitest', ['run', '-c', 'vitest.live.config.mts', ...vitestArgs], env) : up;
  const down = run(process.execPath, [join(__dirname, 'down.js')], env);
  return status || down;
}

const first = pass('none', ['--exclude', TAIL_SAMPLING_FILE]);
const second = pass('tail', [TAIL_SAMPLING_FILE]);
process.exitCode = first || second;
