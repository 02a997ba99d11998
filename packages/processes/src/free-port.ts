import { createServer, type AddressInfo } from 'node:net';

/**
 * A port nothing listens on right now, for a process that cannot be told to pick one itself and
 * report it (nginx, or a service that nginx must know the address of before it starts).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
