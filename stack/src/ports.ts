import { freePort } from '@dogbook/processes';
import { PORT_NAMES, type Ports } from './local-config';

/**
 * A free port for every process, so that the stack never collides with `pnpm dev`, a second stack
 * or anything else on the machine. DOGBOOK_PORT fixes the gateway's, as it does for compose.
 */
export async function allocatePorts(env = process.env): Promise<Ports> {
  const ports = {} as Ports;
  const taken = new Set<number>();
  for (const name of PORT_NAMES) {
    let port = await freePort();
    // The kernel may hand the same free port out twice in a row: ask again.
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  if (env.DOGBOOK_PORT) ports.gateway = Number(env.DOGBOOK_PORT);
  return ports;
}
