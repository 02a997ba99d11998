/**
 * `pnpm stack:up`: builds the backends if the cache lacks them, starts the stack in the background
 * (a detached supervisor), and returns once every process passes its compose healthcheck.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { provideBinaries } from './backends';
import { composeFiles } from './compose';
import { ADDRESSES_PATH, STACK_DIR, STATE_PATH, type State, alive } from './paths';
import type { Addresses } from './stack';
import type { SupervisorMessage } from './supervisor';

function print(addresses: Addresses, state: State) {
  console.log(`DogBook's stack is up (${ADDRESSES_PATH}), running ${state.composeFiles.join(' + ')}:`);
  for (const [name, url] of Object.entries(addresses)) console.log(`  ${name.padEnd(17)}${url}`);
  console.log(`  try: curl -i ${addresses.gateway}/api/v1/kennels/2`);
  console.log('  stop with: pnpm stack:down');
}

const readState = () => JSON.parse(readFileSync(STATE_PATH, 'utf8')) as State;
const readAddresses = () => JSON.parse(readFileSync(ADDRESSES_PATH, 'utf8')) as Addresses;

async function main() {
  // A DOGBOOK_SAMPLING typo stops here, before any build.
  composeFiles();
  if (existsSync(STATE_PATH)) {
    const state = readState();
    if (alive(state.supervisor)) {
      print(readAddresses(), state);
      return;
    }
  }
  // What a stack that died left behind: start clean.
  rmSync(STACK_DIR, { recursive: true, force: true });

  const binaries = provideBinaries();
  mkdirSync(join(STACK_DIR, 'logs'), { recursive: true });
  const logPath = join(STACK_DIR, 'logs', 'supervisor.log');
  const log = openSync(logPath, 'a');
  const supervisor = spawn(process.execPath, [join(__dirname, 'supervisor.js')], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    env: { ...process.env, DOGBOOK_STACK_BINARIES: JSON.stringify(binaries) },
  });
  closeSync(log);
  const message = await new Promise<SupervisorMessage>((resolve) => {
    supervisor.once('message', (m) => resolve(m as SupervisorMessage));
    supervisor.once('exit', (code) => resolve({ error: `the supervisor exited (${code}); see ${logPath}` }));
  });
  if ('error' in message) {
    console.error(`DogBook's stack did not start: ${message.error}\nLogs: ${join(STACK_DIR, 'logs')}`);
    process.exitCode = 1;
    return;
  }
  supervisor.disconnect();
  supervisor.unref();
  print(readAddresses(), readState());
}

void main();
