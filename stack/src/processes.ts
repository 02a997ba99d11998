import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  running(): boolean;
  /** Sends `signal` (SIGTERM by default), then SIGKILL if the process is still there after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts a program with its output appended to `logPath`. Should this process die without stopping
 * it, the program goes too: nothing of the stack outlives the process that started it.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string>; logPath: string },
): RunningProcess {
  const log = openSync(options.logPath, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      process.off('exit', killOnExit);
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  return {
    name,
    pid: child.pid ?? -1,
    running: () => !exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (exited) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
