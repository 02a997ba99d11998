import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@dogbook/processes';
import type { Part } from '../src/parts';
import { superviseDev } from '../src/supervise';

const FAKE_TURBO = join(__dirname, 'fixtures', 'fake-turbo.cjs');

const part = (name: string, port: number): Part => ({ name, packageName: `@dogbook/${name}`, port, readyPath: '/readyz' });

/** Runs the supervisor over the stand-in for turbo; everything it and the stand-in print, in order. */
async function supervise(scenario: string, parts: Part[], startDeadlineMs = 10_000) {
  const output: string[] = [];
  const code = await superviseDev({
    parts,
    command: process.execPath,
    args: [FAKE_TURBO, scenario, ...parts.map((candidate) => String(candidate.port))],
    entry: 'http://localhost:8080/api/v1/kennels/2',
    notes: ['traces print here'],
    startDeadlineMs,
    pollMs: 50,
    stdout: (text) => output.push(text),
    stderr: (text) => output.push(text),
  });
  return { code, lines: output.join('').split('\n').filter(Boolean) };
}

describe('pnpm dev, watching over the start', () => {
  const blockers: Server[] = [];
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('when every part answers, then "ready" is said once, after the last part came up, with where to send requests', async () => {
    const parts = [part('kennels', await freePort()), part('dogs', await freePort())];

    const { code, lines } = await supervise('start', parts);

    expect(code, `what pnpm dev printed:\n${lines.join('\n')}`).toBe(0);
    const ready = lines.filter((line) => line.startsWith('DogBook is ready'));
    expect(ready).toEqual(['DogBook is ready: send requests to http://localhost:8080/api/v1/kennels/2']);
    expect(lines.indexOf(ready[0]!)).toBeGreaterThan(lines.findIndex((line) => line.startsWith('part1:dev: listening')));
    expect(lines).toContain('DogBook: traces print here');
  });

  it("when a part's task fails before everything answers, then the rest is stopped and pnpm dev exits 1 with the reason", async () => {
    const parts = [part('trace-viewer', await freePort())];
    parts[0]!.name = 'the trace viewer';

    const { code, lines } = await supervise('fail', parts);

    expect(code).toBe(1);
    expect(lines).toContain(
      'DogBook did not start: the trace viewer could not start (@dogbook/trace-viewer#dev exited with 1). ' +
        'Its output says why; stopping everything.',
    );
    expect(lines).toContain('fake:dev: stopped by SIGINT');
    expect(lines.some((line) => line.startsWith('DogBook is ready'))).toBe(false);
  });

  it('when a part never answers, then pnpm dev gives up after the deadline, naming the part and its port', async () => {
    const port = await freePort();

    const { code, lines } = await supervise('silent', [part('inventory', port)], 1_000);

    expect(code).toBe(1);
    expect(lines.find((line) => line.startsWith('DogBook did not start'))).toContain(`inventory (port ${port}) did not answer within 1 s`);
    expect(lines).toContain('fake:dev: stopped by SIGINT');
  });

  it('when a port is taken, then nothing is started, and the port and the part that needs it are named', async () => {
    const taken = createServer();
    blockers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;

    const { code, lines } = await supervise('start', [part('kennels', await freePort()), part('dogs', port)]);

    expect(code).toBe(1);
    expect(lines[0]).toBe(`DogBook cannot start: port ${port} is taken, and dogs needs it.`);
    expect(lines.some((line) => line.includes(':dev:'))).toBe(false);
  });
});
