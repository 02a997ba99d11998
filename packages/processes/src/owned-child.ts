import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (not found, not executable). */
  error?: Error;
}

export interface OwnedChild {
  /** Resolves once the process has exited, however that happened. */
  readonly exited: Promise<ChildExit>;
  running(): boolean;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL if it has not gone after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ChildExit>;
}

/** The children still running; one exit listener for all of them, however many a stack starts. */
const owned = new Set<ChildProcess>();
let killingOnExit = false;

/**
 * Takes charge of a process just spawned: should this process end without stopping it, the child is
 * killed too, so nothing a test, `pnpm dev` or `pnpm stack:up` started outlives what started it.
 */
export function own(child: ChildProcess): OwnedChild {
  if (!killingOnExit) {
    process.once('exit', () => {
      for (const other of owned) other.kill('SIGKILL');
    });
    killingOnExit = true;
  }
  owned.add(child);
  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    const end = (exit: ChildExit) => {
      running = false;
      owned.delete(child);
      resolve(exit);
    };
    child.once('exit', (code, signal) => end({ code, signal }));
    child.once('error', (error) => end({ code: null, signal: null, error }));
  });
  return {
    exited,
    running: () => running,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (running) {
        child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
      return exited;
    },
  };
}
