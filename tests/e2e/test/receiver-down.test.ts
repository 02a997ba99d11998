import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nginxIsAvailable } from '../src/nginx-requirement';
import type { ServiceName } from '../src/service-process';
import { startStack, type Stack } from '../src/stack';

const REQUESTS = 20;
const NAMES: ServiceName[] = ['kennels', 'inventory', 'dogs'];

const gateway = nginxIsAvailable('the receiver-down tests run straight against kennels, without the gateway');

const lineCount = (text: string) => text.split('\n').filter(Boolean).length;

describe('when the OTLP receiver is down', () => {
  let stack: Stack;
  beforeAll(async () => {
    // warn: request logs are off, so any line a service writes is about a problem.
    const quiet = { LOG_LEVEL: 'warn' };
    stack = await startStack({ gateway, receiver: 'down', env: { kennels: quiet, inventory: quiet, dogs: quiet } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when requests keep coming, then they are all served, no service crashes and none floods its log', async () => {
    const linesBefore = Object.fromEntries(NAMES.map((name) => [name, lineCount(stack.service(name).output())]));

    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(`${stack.entry}/api/v1/kennels/${i % 3}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { dogs: { name: string | null }[] };
      expect(body.dogs.every((dog) => typeof dog.name === 'string')).toBe(true);
    }
    // Give the exporters time to try, fail and retry a few times (they export every 100 ms).
    await sleep(1_500);

    for (const name of NAMES) {
      const service = stack.service(name);
      expect(service.running(), `${name} is running`).toBe(true);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      const newLines = lineCount(service.output()) - linesBefore[name]!;
      expect(newLines, `${name} wrote:\n${service.output()}`).toBeLessThanOrEqual(2);
    }
  });

  test('when a service is stopped, then it exits 0 within 5 s although its spans cannot be flushed', async () => {
    const exit = await stack.stop('kennels');

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.afterMs).toBeLessThan(5_000);
  });
});
