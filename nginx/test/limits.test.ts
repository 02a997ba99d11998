import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, waitUntil } from '@dogbook/processes';
import { missingTools, startNginx, type RunningNginx } from '../src';

const missing = missingTools();

/**
 * Stands in for the services: `/api/v1/dogs/hold` is answered only once release() is called, like a
 * request slowed by a `delay` fault; everything else at once.
 */
function startHoldingService() {
  let held: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (req.url === '/api/v1/dogs/hold') held.push(answer);
    else answer();
  });
  return {
    server,
    held: () => held.length,
    release() {
      for (const answer of held) answer();
      held = [];
    },
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
  };
}

describe.skipIf(missing.length > 0)('the gateway, shared by a room', () => {
  const service = startHoldingService();
  let gateway: RunningNginx;
  beforeAll(async () => {
    const port = await service.listen();
    const upstream = `127.0.0.1:${port}`;
    gateway = await startNginx({
      port: await freePort(),
      upstreams: { kennels: upstream, inventory: upstream, dogs: upstream, traces: upstream },
    });
  });
  afterAll(async () => {
    service.release();
    await gateway?.stop();
    service.server.close();
  });

  const get = (path: string, baggage?: string) =>
    fetch(`${gateway.url}${path}`, { headers: baggage ? { baggage } : {} }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { error?: string },
    }));

  /** `count` held requests at once; resolves once each is either held by the service or refused. */
  async function flood(count: number, baggage?: string) {
    const before = service.held();
    const refused: { status: number; body: { error?: string } }[] = [];
    const answers = Array.from({ length: count }, () =>
      get('/api/v1/dogs/hold', baggage).then((answer) => {
        if (answer.status !== 200) refused.push(answer);
        return answer;
      }),
    );
    await waitUntil(`${count} requests to be held or refused`, () => service.held() - before + refused.length === count, {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    return { held: service.held() - before, refused, answers };
  }

  test("when one learner has more slow requests in flight than the limit, then the excess gets a JSON 429 naming it, and other learners' requests pass", async () => {
    const mallory = await flood(24, 'dogbook.learner=mallory,dogbook.fault.dogs=delay:10000');

    const alice = await get('/api/v1/dogs/1', 'dogbook.learner=alice');
    const unnamed = await get('/api/v1/dogs/1');
    const health = await get('/healthz', 'dogbook.learner=mallory');
    service.release();
    const released = await Promise.all(mallory.answers);

    expect(mallory.held).toBe(16);
    expect(mallory.refused).toHaveLength(8);
    for (const answer of mallory.refused) {
      expect(answer.status).toBe(429);
      expect(answer.body.error).toContain('16 at a time per dogbook.learner name');
    }
    expect(alice.status).toBe(200);
    expect(unnamed.status).toBe(200);
    expect(health.status).toBe(200);
    expect(released.filter((answer) => answer.status === 200)).toHaveLength(16);
  });

  test('when requests without a learner name flood the gateway, then they share one budget, and a named learner still passes', async () => {
    const unnamed = await flood(40);

    const alice = await get('/api/v1/dogs/1', 'other=1, dogbook.learner = alice ;prop=x');
    service.release();
    await Promise.all(unnamed.answers);

    expect(unnamed.held).toBe(32);
    expect(unnamed.refused.map((answer) => answer.status)).toEqual(Array(8).fill(429));
    expect(alice.status).toBe(200);
  });

  test("when hundreds of connections trickle their headers in, then a learner's request still gets through", async () => {
    const sockets: Socket[] = await Promise.all(
      Array.from(
        { length: 400 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const url = new URL(gateway.url);
            const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
              socket.write('GET /api/v1/dogs/1 HTTP/1.1\r\nHost: x\r\n');
              resolve(socket);
            });
            socket.on('error', reject);
          }),
      ),
    );
    try {
      const alice = await get('/api/v1/dogs/1', 'dogbook.learner=alice');
      expect(alice.status).toBe(200);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
