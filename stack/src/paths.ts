import { join } from 'node:path';
import { REPO_ROOT } from './compose';

/** Everything a running stack owns: configuration copies, data, logs, addresses. `stack:down` removes it. */
export const STACK_DIR = process.env.DOGBOOK_STACK_DIR ?? join(REPO_ROOT, '.stack');
export const ADDRESSES_PATH = join(STACK_DIR, 'addresses.json');
/** The supervisor's pid, its processes' pids, the binaries. */
export const STATE_PATH = join(STACK_DIR, 'state.json');

export interface State {
  supervisor: number;
  pids: Record<string, number>;
  /** The programs the stack runs. */
  binaries: Record<string, string>;
  /** The compose files it runs (compose.ts, composeFiles): the tail-sampling override, or not. */
  composeFiles: string[];
}

/** Whether a process with this id exists (signal 0 tests without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
