import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { missingTools } from '@dogbook/nginx';
import { freePort } from '@dogbook/processes';
import { devSetup, REPO_ROOT, type Part } from '../src/parts';
import { superviseDev, type SuperviseOptions } from '../src/supervise';

const FIXTURES = join(__dirname, 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'dogbook-dev-test-'));

/** A stand-in part: fake-part.cjs in one of its modes, on `port`. */
const fake = (name: string, port: number, ...mode: string[]): Part => ({
  name,
  packageName: `@dogbook/${name}`,
  port,
  readyPath: '/readyz',
  dir: FIXTURES,
  command: [process.execPath, 'fake-part.cjs', String(port), ...mode],
  watch: [],
});

/**
 * Runs the supervisor over `parts`; `act` gets the lines so far and the parts' pids once it is
 * running, and may stop it as Ctrl-C does.
 */
async function supervise(parts: Part[], options: Partial<SuperviseOptions> = {}, act?: (run: Run) => Promise<void>) {
  const output: string[] = [];
  const pids = new Map<string, number>();
  const stopper = new AbortController();
  const run: Run = {
    lines: () => output.join('').split('\n').filter(Boolean),
    pid: (name) => pids.get(name),
    stop: () => stopper.abort(),
  };
  const done = superviseDev({
    parts,
    entry: 'http://localhost:8080/api/v1/kennels/2',
    notes: ['traces print here'],
    pollMs: 50,
    signal: stopper.signal,
    onStarted: (part, pid) => pids.set(part.name, pid),
    stdout: (text) => output.push(text),
    stderr: (text) => output.push(text),
    ...options,
  });
  if (act) await act(run);
  const code = await done;
  return { code, lines: run.lines() };
}

interface Run {
  lines(): string[];
  pid(name: string): number | undefined;
  stop(): void;
}

/** Waits for a line that `test` accepts, with a generous deadline; says what was printed if none comes. */
async function lineMatching(run: Run, test: (line: string) => boolean, after = 0): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const index = run.lines().findIndex((line, at) => at >= after && test(line));
    if (index >= 0) return index;
    if (Date.now() > deadline) throw new Error(`no such line came; pnpm dev printed:\n${run.lines().join('\n')}`);
    await sleep(50);
  }
}

describe('pnpm dev, watching over the start', () => {
  const blockers: Server[] = [];
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('when every part answers, then "ready" is said once, after the last part came up, with where to send requests', async () => {
    const parts = [fake('kennels', await freePort(), 'serve'), fake('dogs', await freePort(), 'serve')];

    const { code, lines } = await supervise(parts, {}, async (run) => {
      await lineMatching(run, (line) => line === 'DogBook: traces print here');
      run.stop();
    });

    expect(code, `what pnpm dev printed:\n${lines.join('\n')}`).toBe(0);
    const ready = lines.filter((line) => line.startsWith('DogBook is ready'));
    expect(ready).toEqual(['DogBook is ready: send requests to http://localhost:8080/api/v1/kennels/2']);
    expect(lines.indexOf(ready[0]!)).toBeGreaterThan(lines.indexOf(`dogs: listening on ${parts[1]!.port}`));
  });

  it('when a part cannot start, then the rest is stopped and pnpm dev exits 1 with the reason', async () => {
    const { code, lines } = await supervise([fake('viewer', await freePort(), 'fail'), fake('dogs', await freePort(), 'serve')]);

    expect(code).toBe(1);
    expect(lines).toContain('viewer: cannot start: the fixture was told to fail');
    expect(lines).toContain('DogBook: viewer could not start (exit status 1); its output above says why; stopping everything.');
    expect(lines.some((line) => line.startsWith('DogBook is ready'))).toBe(false);
  });

  it('when a part never answers, then pnpm dev gives up after the deadline, naming the part and its port', async () => {
    const port = await freePort();

    const { code, lines } = await supervise([fake('inventory', port, 'silent')], { startDeadlineMs: 1_000 });

    expect(code).toBe(1);
    expect(lines).toContain(`DogBook: inventory (port ${port}) did not answer within 1 s; stopping everything.`);
  });

  it('when a port is taken, then nothing is started, and the port and the part that needs it are named', async () => {
    const taken = createServer();
    blockers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;

    const { code, lines } = await supervise([fake('kennels', await freePort(), 'serve'), fake('dogs', port, 'serve')]);

    expect(code).toBe(1);
    expect(lines[0]).toBe(`DogBook cannot start: port ${port} is taken, and dogs needs it.`);
    expect(lines.some((line) => line.includes('listening'))).toBe(false);
  });
});

describe('pnpm dev, once running', () => {
  it('when a part keeps stopping after it ran, then it is restarted with a wait each time, and at last pnpm dev stops everything, exit 1', async () => {
    const marker = join(scratch, 'crashed-once');
    const parts = [fake('dogs', await freePort(), 'crash', marker), fake('kennels', await freePort(), 'serve')];

    const { code, lines } = await supervise(parts, { backoffMs: [100, 200] });

    expect(code).toBe(1);
    const said = lines.filter((line) => line.startsWith('DogBook'));
    expect(said.slice(2)).toEqual([
      'DogBook: dogs stopped (exit status 1). Starting it again in 0.1 s; the other parts keep serving.',
      'DogBook: dogs stopped (exit status 1). Starting it again in 0.2 s; the other parts keep serving.',
      'DogBook: dogs cannot be restarted: it stopped 3 times in a row without answering (last: exit status 1); stopping everything.',
    ]);
    expect(readFileSync(marker, 'utf8')).toBe('started once');
  });

  /**
   * The real parts, as pnpm dev runs them (their packages' dev scripts), each on a free port: dogs,
   * the trace viewer, and nginx through the gateway's own runner.
   */
  async function realParts(): Promise<Part[]> {
    const viewerPort = await freePort();
    const dogsPort = await freePort();
    const gatewayPort = await freePort();
    const setup = devSetup();
    const viewer = setup.parts.find((part) => part.packageName === '@dogbook/trace-viewer')!;
    const dogs = setup.parts.find((part) => part.packageName === '@dogbook/dogs')!;
    const parts: Part[] = [
      { ...viewer, port: viewerPort, env: { TRACE_VIEWER_PORT: String(viewerPort) } },
      // A variable set outside dev.env wins over the file's.
      { ...dogs, port: dogsPort, env: { PORT: String(dogsPort), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${viewerPort}` } },
    ];
    if (missingTools().length === 0) {
      const upstream = `127.0.0.1:${dogsPort}`;
      parts.push({
        name: 'the gateway (nginx)',
        packageName: '@dogbook/nginx',
        port: gatewayPort,
        readyPath: '/healthz',
        dir: FIXTURES,
        command: [process.execPath, 'gateway.cjs', join(REPO_ROOT, 'nginx'), String(gatewayPort), upstream],
        watch: [],
      });
    }
    return parts;
  }

  /** The nginx process its runner started: the runner's only child. */
  const childOf = (pid: number) => Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);

  it.skipIf(process.platform !== 'linux')(
    'when a service, the viewer or nginx is killed, then pnpm dev says which and how, starts it again, says when it answers, and the others keep serving',
    async () => {
      const parts = await realParts();
      const dogs = parts.find((part) => part.name === 'dogs')!;

      const { code, lines } = await supervise(parts, {}, async (run) => {
        let after = await lineMatching(run, (line) => line.startsWith('DogBook is ready'));
        for (const part of parts) {
          const runner = run.pid(part.name)!;
          process.kill(part.packageName === '@dogbook/nginx' ? childOf(runner) : runner, 'SIGKILL');
          after = await lineMatching(run, (line) => line.startsWith(`DogBook: ${part.name} stopped (`), after);
          // Meanwhile the others serve: dogs answers unless it is the one down.
          if (part !== dogs) expect((await fetch(`http://127.0.0.1:${dogs.port}/readyz`)).status).toBe(200);
          after = await lineMatching(run, (line) => line === `DogBook: ${part.name} answers again on port ${part.port}.`, after);
          expect((await fetch(`http://127.0.0.1:${part.port}${part.readyPath}`)).status).toBe(200);
        }
        run.stop();
      });

      expect(code, lines.join('\n')).toBe(0);
      expect(lines).toContain('DogBook: dogs stopped (killed by SIGKILL). Starting it again in 1 s; the other parts keep serving.');
      expect(lines).toContain(
        'DogBook: the trace viewer stopped (killed by SIGKILL). Starting it again in 1 s; the other parts keep serving.',
      );
      if (parts.length === 3) {
        // nginx died under its runner, which says so and ends: the gateway is started again.
        expect(lines).toContain('gateway: DogBook: nginx ended by itself (killed by SIGKILL)');
        expect(lines).toContain(
          'DogBook: the gateway (nginx) stopped (exit status 1). Starting it again in 1 s; the other parts keep serving.',
        );
      }
    },
    120_000,
  );

  it.skipIf(process.platform !== 'linux')(
    "when a part's dev.env changes, then that part alone is restarted, and said so",
    async () => {
      const dir = mkdtempSync(join(scratch, 'part-'));
      const devEnv = join(dir, 'dev.env');
      writeFileSync(devEnv, 'PORT=1\n');
      const parts = [{ ...fake('dogs', await freePort(), 'serve'), watch: [devEnv] }, fake('kennels', await freePort(), 'serve')];

      const { lines } = await supervise(parts, {}, async (run) => {
        const after = await lineMatching(run, (line) => line.startsWith('DogBook is ready'));
        const before = run.pid('kennels');
        writeFileSync(devEnv, 'PORT=1\nOTEL_PROPAGATORS=none\n');
        await lineMatching(run, (line) => line === `DogBook: dogs answers again on port ${parts[0]!.port}.`, after);
        expect(run.pid('kennels')).toBe(before);
        run.stop();
      });

      expect(lines.filter((line) => line.includes('changed'))).toEqual([
        `DogBook: dogs changed (${relative(REPO_ROOT, devEnv)}); restarting it.`,
      ]);
    },
    60_000,
  );
});

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
