import { createServer, type AddressInfo } from 'node:net';

/**
 * Ports this process has handed out. Nothing listens on them until the process they are meant for
 * starts, so the kernel may offer the same one again: in 5000 calls in a row it did 5 times within
 * ten calls, enough to give two services of a stack one port now and then. The second then fails
 * to listen while its health check is answered by the first.
 */
const handedOut = new Set<number>();

async function portTheKernelOffers(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port nothing listens on right now, and never the same one twice in this process, for a process
 * that cannot be told to pick one itself and report it (nginx, or a service that nginx must know
 * the address of before it starts).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await portTheKernelOffers();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
