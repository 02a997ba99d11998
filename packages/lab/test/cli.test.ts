import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraceViewer, type TraceViewer } from '@dogbook/trace-viewer';
import { kennel2Trace, otlpExport, tempoTrace, type SpanFields } from './otlp';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
/** Nothing listens here: the port of a server that was just closed. */
let closedUrl: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command as `pnpm lab` does, with only the environment given (and PATH). */
function lab(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', TRACE_VIEWER_URL: closedUrl, GRAFANA_URL: closedUrl, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const server = createServer();
  closedUrl = await listen(server);
  await new Promise((resolve) => server.close(resolve));
});

describe('pnpm lab, used wrongly', () => {
  it.each([
    [['check', '1'], 'DOGBOOK_LEARNER'],
    [['check', '1', '--learner', 'al ice'], 'is not 1-32 characters'],
    [['check', '1', '--learner', 'a'.repeat(33)], 'is not 1-32 characters'],
    [['check', '10', '--learner', 'alice'], 'n one of 1, 2, 3, 4, 5, 6, 7, 8, 9'],
    [['check', '1', '--learner', 'alice', '--backend', 'jaeger'], '--backend must be viewer or grafana'],
    [['check', '7', '--learner', 'alice', '--backend', 'viewer'], 'lab 7 needs Docker'],
    [['check', '1', '--lerner', 'alice'], "Unknown option '--lerner'"],
    [['frobnicate'], 'unknown command'],
  ])('when called with %j, then it exits 2 saying %j, with the usage', async (args, message) => {
    const { code, stdout, stderr } = await lab(args);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage:');
    expect(stdout).toBe('');
  });

  it('when neither the trace viewer nor Grafana answers, then it exits 2 saying so, without a verdict', async () => {
    const { code, stdout, stderr } = await lab(['check', '1', '--learner', 'alice']);

    expect(code).toBe(2);
    expect(stderr).toContain('cannot check');
    expect(stderr).toContain(`Grafana does not answer at ${closedUrl}`);
    expect(stdout).not.toMatch(/[✓✗]/);
  });
});

describe('pnpm lab list', () => {
  it('when asked for the list, then every lab is listed with its minutes and what it runs on', async () => {
    const { code, stdout } = await lab(['list']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^ 1 {2}Your first trace +10 min {2}pnpm dev or Docker$/m);
    expect(stdout).toMatch(/^ 7 {2}Metrics from traces, and back +10 min {2}Docker only$/m);
    expect(stdout).toMatch(/^ 9 {2}What sampling keeps +10 min {2}pnpm dev or Docker$/m);
    expect(stdout).toContain('9 labs, 100 minutes.');
  });
});

describe('pnpm lab check, against a trace viewer', () => {
  let viewer: TraceViewer;
  const post = (spans: SpanFields[]) =>
    fetch(`${viewer.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(otlpExport(spans)) });

  beforeAll(async () => {
    viewer = await startTraceViewer({ port: 0, quietMs: 50, print: false });
    await post(kennel2Trace('a1'.repeat(16), 'alice'));
    // A slow dog 3 for carol, as lab 5's command makes one.
    await post([
      ...kennel2Trace('c1'.repeat(16), 'carol'),
      {
        service: 'dogs',
        traceId: 'c1'.repeat(16),
        spanId: '3000000000000003',
        parentSpanId: '1000000000000001',
        name: 'dogs.find_dog',
        startMs: 100,
        endMs: 1600,
        attributes: { 'dogbook.learner': 'carol', 'dogbook.dog.id': 3, 'dogbook.fault': 'dogbook.fault.dogs.3=delay:1500' },
      },
    ]);
  });
  afterAll(async () => {
    await viewer?.close();
  });

  /** Kennel 2's trace with lab 4's span, hung under `parentSpanId`, and the three dog look-ups under it. */
  const withFetchDogs = (traceId: string, learner: string, parentSpanId: string): SpanFields[] => {
    const tag = { 'dogbook.learner': learner };
    return [
      ...kennel2Trace(traceId, learner),
      { service: 'kennels', traceId, spanId: '1000000000000003', parentSpanId: '1000000000000001', name: 'kennels.fetch_dog_ids', startMs: 2, endMs: 105, attributes: tag },
      { service: 'kennels', traceId, spanId: '1000000000000004', parentSpanId, name: 'kennels.fetch_dogs', startMs: 105, endMs: 209, attributes: { ...tag, 'dogbook.dog.count': 3 } },
      ...[3, 4, 5].map((dog) => ({
        service: 'kennels',
        traceId,
        spanId: `100000000000001${dog}`,
        parentSpanId: '1000000000000004',
        name: 'kennels.fetch_dog',
        startMs: 106,
        endMs: 208,
        attributes: { ...tag, 'dogbook.dog.id': dog },
      })),
    ];
  };

  it("when lab 4's span hangs under kennels' server span, then lab 4 holds; under another span, the hint names that span", async () => {
    await post(withFetchDogs('e1'.repeat(16), 'erin', '1000000000000001'));
    await post(withFetchDogs('f1'.repeat(16), 'frank', '1000000000000003'));

    const right = await lab(['check', '4', '--learner', 'erin'], { TRACE_VIEWER_URL: viewer.url });
    const wrong = await lab(['check', '4', '--learner', 'frank'], { TRACE_VIEWER_URL: viewer.url });

    expect(right.stdout).toContain(`✓ its parent is kennels' server span, "GET /api/v1/kennels/:id"`);
    expect(right.code).toBe(0);
    expect(wrong.stdout).toContain(`✗ its parent is kennels' server span, "GET /api/v1/kennels/:id"\n    hint: its parent is "kennels.fetch_dog_ids"`);
    expect(wrong.code).toBe(1);
  });

  it('when the learner asked for kennel 2, then lab 1 holds: ✓ per criterion, exit 0', async () => {
    const { code, stdout } = await lab(['check', '1', '--learner', 'alice'], { TRACE_VIEWER_URL: viewer.url });

    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      `Lab 1, Your first trace: alice's traces in the trace viewer at ${viewer.url}`,
      `✓ a trace of yours (dogbook.learner = alice) is in the trace viewer at ${viewer.url}`,
      '✓ one of your traces asked kennels for kennel 2',
      'Done: all 2 hold.',
      '',
    ]);
  });

  it("when another learner did the lab but this one did not, then every criterion is ✗ with a hint, exit 1", async () => {
    const { code, stdout } = await lab(['check', '1'], { TRACE_VIEWER_URL: viewer.url, DOGBOOK_LEARNER: 'bob' });

    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('✗'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('    hint: '))).toHaveLength(2);
    expect(stdout).toContain('dogbook.learner=bob');
    expect(lines).toContain('Not yet: 0 of 2 hold.');
  });

  it('when lab 5 is answered with the slowed-down dog, then it holds; with another dog, or no answer, it does not', async () => {
    const env = { TRACE_VIEWER_URL: viewer.url, DOGBOOK_LEARNER: 'carol' };
    const right = await lab(['check', '5', '--answer', '3'], env);
    const wrong = await lab(['check', '5', '--answer', '4'], env);
    const none = await lab(['check', '5'], env);

    expect(right.code).toBe(0);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('✗ your answer names the dog that was slow\n    hint: dog 4 was not the slow one');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('pnpm lab check 5 --answer <id>');
  });
});

describe('pnpm lab check, against Tempo through Grafana', () => {
  let grafana: Server;
  let grafanaUrl: string;
  const searches: URLSearchParams[] = [];
  const traceId = '00c0ffee'.padEnd(32, '1');

  beforeAll(async () => {
    // Stands in for Grafana's data source proxy in front of Tempo, answering in the shapes of
    // Tempo's HTTP API: a search lists trace ids (leading zeros dropped), a trace comes by id.
    grafana = createServer((req, res) => {
      const url = new URL(req.url!, 'http://grafana');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/api/datasources/proxy/uid/tempo/api/search') {
        searches.push(url.searchParams);
        const mine = url.searchParams.get('q') === '{ span.dogbook.learner = "alice" }';
        res.end(JSON.stringify({ traces: mine ? [{ traceID: traceId.replace(/^0+/, ''), rootServiceName: 'kennels' }] : [] }));
      } else if (url.pathname === `/api/datasources/proxy/uid/tempo/api/traces/${traceId}`) {
        res.end(JSON.stringify(tempoTrace(kennel2Trace(traceId, 'alice'))));
      } else {
        res.statusCode = 404;
        res.end('{"message":"not found"}');
      }
    });
    grafanaUrl = await listen(grafana);
  });
  afterAll(async () => {
    await new Promise((resolve) => grafana?.close(resolve));
  });

  it('when the trace viewer does not answer, then the check asks Tempo through Grafana, by TraceQL on the learner', async () => {
    const { code, stdout } = await lab(['check', '1', '--learner', 'alice'], { GRAFANA_URL: grafanaUrl });

    expect(stdout).toContain(`alice's traces in Tempo through Grafana at ${grafanaUrl}`);
    expect(stdout).toContain('✓ one of your traces asked kennels for kennel 2');
    expect(code).toBe(0);
    const search = searches.at(-1)!;
    expect(Number(search.get('end')) - Number(search.get('start'))).toBe(6 * 3600);
  });

  it('when Grafana holds nothing of the learner, then the hint says that search leaves out the last 30 seconds', async () => {
    const { code, stdout } = await lab(['check', '1', '--learner', 'dave', '--backend', 'grafana'], { GRAFANA_URL: grafanaUrl });

    expect(code).toBe(1);
    expect(stdout).toContain('wait 30 seconds');
  });
});
