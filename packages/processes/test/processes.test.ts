import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  acceptsConnections,
  answersOk,
  freePort,
  measureMachineCpu,
  own,
  processCpuSeconds,
  processMemory,
  rssMiB,
  waitUntil,
} from '../src';

/** A Node child that runs `code`; it says "ready" once its signal handlers are in place. */
function node(code: string) {
  const child = spawn(process.execPath, ['-e', `${code}; console.log('ready'); setInterval(() => {}, 1000)`]);
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { child, ready };
}

describe('own()', () => {
  it('when stopped, then the child gets SIGTERM and the exit says so', async () => {
    const { child, ready } = node('');
    const owned = own(child);
    await ready;

    const exit = await owned.stop();

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(owned.running()).toBe(false);
  });

  it('when the child ignores SIGTERM, then SIGKILL follows after the grace period', async () => {
    const { child, ready } = node("process.on('SIGTERM', () => {})");
    const owned = own(child);
    await ready;

    const started = Date.now();
    const exit = await owned.stop('SIGTERM', 300);

    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('when the program does not exist, then the exit carries the error and stop() does not hang', async () => {
    const owned = own(spawn('/nonexistent/dogbook-program'));

    const exit = await owned.exited;

    expect(exit.error?.message).toMatch(/ENOENT/);
    expect(await owned.stop()).toBe(exit);
  });

  it('when a dozen children are owned, then their owner holds one exit handler, not one each', async () => {
    const before = process.listenerCount('exit');
    const children = Array.from({ length: 12 }, () => node(''));
    const owned = children.map(({ child }) => own(child));
    await Promise.all(children.map(({ ready }) => ready));

    expect(process.listenerCount('exit')).toBeLessThanOrEqual(before + 1);

    await Promise.all(owned.map((child) => child.stop()));
  });
});

describe('freePort()', () => {
  it('when asked, then the port it gives can be listened on', async () => {
    const port = await freePort();
    const server = createServer();

    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));

    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when asked many times before anything listens, then no port is given twice', async () => {
    // The kernel repeats a just-closed port now and then; 2000 picks from its ~28,000 would
    // almost surely hold a repeat (the birthday problem) if freePort() passed them on unchecked.
    const ports: number[] = [];
    for (let i = 0; i < 2000; i += 1) ports.push(await freePort());

    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('what /proc says', () => {
  it('when this process computes for a while, then /proc counts the CPU time Node itself counts', () => {
    const before = processCpuSeconds(process.pid);
    const nodeBefore = process.cpuUsage();
    const machine = measureMachineCpu();
    // Busy until Node's own count says 300 ms of CPU, however many other processes share the cores.
    const nodeSeconds = () => {
      const { user, system } = process.cpuUsage(nodeBefore);
      return (user + system) / 1e6;
    };
    while (nodeSeconds() < 0.3) {
      // compute
    }

    const used = processCpuSeconds(process.pid) - before;
    // /proc counts in ticks of 10 ms, and Node's other threads add a little.
    expect(used).toBeGreaterThanOrEqual(nodeSeconds() - 0.02);
    expect(used).toBeLessThan(nodeSeconds() + 0.2);
    expect(machine()).toBeGreaterThan(0);
    expect(machine()).toBeLessThanOrEqual(1);
  });

  it('when a process holds memory, then its resident size says so and its peak is at least that', () => {
    const { rss, peak } = processMemory(process.pid);
    const held = Buffer.alloc(64 * 1024 ** 2, 1);

    const after = processMemory(process.pid);
    expect(after.rss - rss).toBeGreaterThan(48 * 1024 ** 2);
    expect(after.peak).toBeGreaterThanOrEqual(after.rss);
    expect(peak).toBeGreaterThanOrEqual(rss);
    expect(rssMiB(process.pid)).toBe(Math.round(processMemory(process.pid).rss / 1024 ** 2));
    held.fill(0);
  });
});

describe('waitUntil()', () => {
  it('when the probe gives a value after a few tries, then that value is the answer', async () => {
    let tries = 0;

    const value = await waitUntil('the third try', () => (++tries === 3 ? 'there' : undefined), { intervalMs: 1 });

    expect([value, tries]).toEqual(['there', 3]);
  });

  it('when the process waited for has exited, then waiting stops with its output', async () => {
    const waiting = waitUntil('a port that never opens', () => false, { running: () => false, details: () => 'the last words' });

    await expect(waiting).rejects.toThrow(/gave up waiting for a port that never opens: the process exited:\nthe last words/);
  });

  it('when the deadline passes, then the error names what never happened', async () => {
    await expect(waitUntil('nothing', () => undefined, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'nothing did not happen within 0.02 s',
    );
  });
});

describe('answersOk() and acceptsConnections()', () => {
  it('when a server answers 2xx, then it answers ok; 5xx or nothing listening is not ok', async () => {
    const server = createHttpServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await answersOk(`http://127.0.0.1:${port}/ok`)).toBe(true);
      expect(await answersOk(`http://127.0.0.1:${port}/down`)).toBe(false);
      expect(await acceptsConnections('127.0.0.1', port)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await answersOk(`http://127.0.0.1:${port}/ok`)).toBe(false);
    expect(await acceptsConnections('127.0.0.1', port)).toBe(false);
  });
});
