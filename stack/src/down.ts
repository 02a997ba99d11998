/** `pnpm stack:down`: stops everything `stack:up` started and removes .stack/ (data and logs too). */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { waitUntil } from '@dogbook/processes';
import { STACK_DIR, STATE_PATH, type State, alive } from './paths';

async function main() {
  if (existsSync(STATE_PATH)) {
    const state = JSON.parse(readFileSync(STATE_PATH, 'utf8')) as State;
    // The supervisor stops its processes in order: nginx, the services (which flush), the collector,
    // the backends.
    if (alive(state.supervisor)) process.kill(state.supervisor, 'SIGTERM');
    const stopped = await waitUntil('the supervisor to stop', () => !alive(state.supervisor), { timeoutMs: 60_000 }).catch(() => false);
    if (!stopped) {
      console.error('the supervisor did not stop in 60 s: killing it and its processes');
      for (const pid of [state.supervisor, ...Object.values(state.pids)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(STACK_DIR, { recursive: true, force: true });
  console.log("DogBook's stack is down; .stack/ removed");
}

void main();
