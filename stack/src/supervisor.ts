/**
 * The long-lived parent of a stack that `pnpm stack:up` started: it owns every process, so that
 * `stack:down` has one pid to signal, and nothing is left behind if it dies.
 */
import { writeFileSync } from 'node:fs';
import type { Binaries } from './backends';
import { composeFiles, loadCompose } from './compose';
import { ADDRESSES_PATH, STACK_DIR, STATE_PATH, type State } from './paths';
import { allocatePorts } from './ports';
import { startStack } from './stack';

/** Messages to `stack:up` over the IPC channel it opened. */
export type SupervisorMessage = { ready: true } | { error: string };

async function main() {
  const binaries = JSON.parse(process.env.DOGBOOK_STACK_BINARIES ?? '{}') as Binaries;
  const files = composeFiles();
  const stack = await startStack({ stackDir: STACK_DIR, binaries, ports: await allocatePorts(), compose: loadCompose(files) });
  writeFileSync(ADDRESSES_PATH, `${JSON.stringify(stack.addresses, null, 2)}\n`);
  const state: State = { supervisor: process.pid, pids: stack.pids, binaries: { ...binaries }, composeFiles: files };
  writeFileSync(STATE_PATH, `${JSON.stringify(state, null, 2)}\n`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the stack');
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log(`stack ready: ${JSON.stringify(stack.addresses)}`);
  process.send?.({ ready: true } satisfies SupervisorMessage);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message);
  process.send?.({ error: message } satisfies SupervisorMessage, () => process.exit(1));
  if (!process.send) process.exit(1);
});
