import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  /** Milliseconds since the server started. */
  atMs: number;
  path: string;
  baggage: string;
  userAgent: string;
  /** Requests still waiting for their answer when this one arrived. */
  openBefore: number;
}

export interface FakeGateway {
  url: string;
  arrivals: Arrival[];
  /** Requests arrived whose answer has not been sent yet. */
  open(): number;
  close(): Promise<void>;
}

/**
 * Stands in for DogBook behind nginx where only the timing matters: it records each request as it
 * arrives and answers 200 after the delay its `dogbook.fault.*=delay:<ms>` member asks for.
 */
export async function startFakeGateway(): Promise<FakeGateway> {
  const arrivals: Arrival[] = [];
  let open = 0;
  const startedAt = performance.now();
  const server = createServer((request, response) => {
    const baggage = String(request.headers.baggage ?? '');
    arrivals.push({
      atMs: performance.now() - startedAt,
      path: request.url ?? '',
      baggage,
      userAgent: request.headers['user-agent'] ?? '',
      openBefore: open,
    });
    open += 1;
    const delayMs = Number(/=delay:(\d+)/.exec(baggage)?.[1] ?? 0);
    setTimeout(() => {
      open -= 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    open: () => open,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
