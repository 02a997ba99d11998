import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { own } from '@dogbook/processes';

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  running(): boolean;
  /** Sends `signal` (SIGTERM by default), then SIGKILL if the process is still there after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts a program with its output appended to `logPath`, owned by this process (see own()). */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string>; logPath: string },
): RunningProcess {
  const log = openSync(options.logPath, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
  closeSync(log);
  const owned = own(child);
  return {
    name,
    pid: child.pid ?? -1,
    running: owned.running,
    async stop(signal, graceMs) {
      await owned.stop(signal, graceMs);
    },
  };
}
