import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitUntil } from '@dogbook/processes';
import { SERVICE_NAMES as NAMES } from '@dogbook/service-kit/services';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';

const REQUESTS = 20;

const gateway = nginxIsAvailable('the receiver-down tests run straight against kennels, without the gateway');

const lineCount = (text: string) => text.split('\n').filter(Boolean).length;

describe('when the OTLP receiver is down (it cuts every connection at once)', () => {
  let stack: Stack;
  let receiver: Server;
  /** Export attempts: connections the receiver cut. */
  let attempts = 0;
  beforeAll(async () => {
    // Unlike a port where nothing listens, this one lets the test see the exporters try.
    receiver = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // warn: request logs are off, so any line a service writes is about a problem.
    const quiet = { LOG_LEVEL: 'warn' };
    stack = await startStack({ gateway, receiverUrl, env: { kennels: quiet, inventory: quiet, dogs: quiet } });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  test('when requests keep coming, then they are all served, no service crashes and none floods its log', async () => {
    const linesBefore = Object.fromEntries(NAMES.map((name) => [name, lineCount(stack.service(name).output())]));

    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(`${stack.entry}/api/v1/kennels/${i % 3}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { dogs: { name: string | null }[] };
      expect(body.dogs.every((dog) => typeof dog.name === 'string')).toBe(true);
    }
    // Every service has spans to send: wait until the exporters have tried and failed a few times.
    const before = attempts;
    await waitUntil('the exporters to try and fail six times', () => attempts - before >= 6);

    for (const name of NAMES) {
      const service = stack.service(name);
      expect(service.running(), `${name} is running`).toBe(true);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      const newLines = lineCount(service.output()) - linesBefore[name]!;
      expect(newLines, `${name} wrote:\n${service.output()}`).toBeLessThanOrEqual(2);
    }
  });

  test('when a service is stopped, then it exits 0 by itself although its spans cannot be flushed', async () => {
    // No SIGKILL for a minute: the exit can only be the service's own, after it gave up the flush.
    const exit = await stack.service('kennels').stop('SIGTERM', 60_000);

    expect(exit).toMatchObject({ code: 0, signal: null });
  });
});
