import { createServer } from 'node:net';

/**
 * Whether this process could listen on `port` of 127.0.0.1, where `pnpm dev` runs everything. A
 * program that listens there, or on every address, makes it fail: the part that needs the port
 * could not start.
 */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
