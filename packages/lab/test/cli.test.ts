import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraceViewer, type TraceViewer } from '@dogbook/trace-viewer';
import { kennel2Trace, otlpExport, tempoTrace, type SpanFields } from './otlp';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { HEAD_KENNEL, HEAD_RATIO } from '../src/checks/lab9';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
/** Nothing listens here: the port of a server that was just closed. */
let closedUrl: string;
/** Where the command writes down spent riddles (lab 5), instead of the home folder. */
const stateHome = mkdtempSync(join(tmpdir(), 'dogbook-lab-state-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command as `pnpm lab` does, with only the environment given (and PATH). */
function lab(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', XDG_STATE_HOME: stateHome, TRACE_VIEWER_URL: closedUrl, GRAFANA_URL: closedUrl, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** `pnpm lab status`'s table: learner -> a cell per lab. */
function statusRows(stdout: string): Map<string, string[]> {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => line.startsWith('learner'));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') break;
    const [learner, ...cells] = line.trim().split(/\s+/);
    rows.set(learner!, cells);
  }
  return rows;
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
afterAll(() => rmSync(stateHome, { recursive: true, force: true }));

describe('pnpm lab, used wrongly', () => {
  it.each([
    [['check', '1'], 'DOGBOOK_LEARNER'],
    [['check', '1', '--learner', 'al ice'], 'is not 1-32 characters'],
    [['check', '1', '--learner', 'a'.repeat(33)], 'is not 1-32 characters'],
    [['check', '10', '--learner', 'alice'], 'n one of 1, 2, 3, 4, 5, 6, 7, 8, 9'],
    [['check', '1', '--learner', 'alice', '--backend', 'jaeger'], '--backend must be viewer or grafana'],
    [['check', '7', '--learner', 'alice', '--backend', 'viewer'], 'lab 7 needs the Docker stack'],
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

describe('pnpm lab, labs 7 and 8 without Docker', () => {
  it.each([7, 8])(
    'when lab %i is checked and Grafana does not answer, then it says the lab needs the Docker stack, exit 2',
    async (labNumber) => {
      const { code, stdout, stderr } = await lab(['check', String(labNumber), '--learner', 'alice']);

      expect(code).toBe(2);
      expect(stderr).toBe(
        `pnpm lab: cannot check: lab ${labNumber} needs the Docker stack (docker compose up --wait): its check reads Prometheus ` +
          `and Loki through Grafana, which does not answer at ${closedUrl} (GRAFANA_URL)\n`,
      );
      expect(stdout).toBe('');
    },
  );
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
    fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlpExport(spans)),
    });

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
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000003',
        parentSpanId: '1000000000000001',
        name: 'kennels.fetch_dog_ids',
        startMs: 2,
        endMs: 105,
        attributes: tag,
      },
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000004',
        parentSpanId,
        name: 'kennels.fetch_dogs',
        startMs: 105,
        endMs: 209,
        attributes: { ...tag, 'dogbook.dog.count': 3 },
      },
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
    expect(wrong.stdout).toContain(
      `✗ its parent is kennels' server span, "GET /api/v1/kennels/:id"\n    hint: its parent is "kennels.fetch_dog_ids"`,
    );
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

  it("when another learner did the lab but this one did not, then every criterion is ✗ with a hint, exit 1, and the viewer's page of their traces is named", async () => {
    const { code, stdout } = await lab(['check', '1'], { TRACE_VIEWER_URL: viewer.url, DOGBOOK_LEARNER: 'bob' });

    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('✗'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('    hint: '))).toHaveLength(2);
    expect(stdout).toContain('dogbook.learner=bob');
    expect(lines).toContain('Not yet: 0 of 2 hold.');
    expect(lines).toContain(`Your traces, span by span: ${viewer.url}/?learner=bob`);
  });

  it('when lab 5 is answered with the slowed-down dog, then it holds; with another dog, or no answer, it does not', async () => {
    const env = { TRACE_VIEWER_URL: viewer.url, DOGBOOK_LEARNER: 'carol' };
    const right = await lab(['check', '5', '--answer', '3'], env);
    const none = await lab(['check', '5'], env);
    const wrong = await lab(['check', '5', '--answer', '4'], env);

    expect(right.code).toBe(0);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      '✗ your answer names the dog that was slow\n    hint: dog 4 was not the slow one, and this riddle is spent',
    );
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('pnpm lab check 5 --answer <id>');
  });

  /** A slow request of lab 5's step 1: kennel 2's trace with `dog` delayed, tagged with `learner`. */
  const slowTrace = (traceId: string, learner: string, dog: number, startMs: number): SpanFields[] => [
    ...kennel2Trace(traceId, learner, startMs),
    {
      service: 'dogs',
      traceId,
      spanId: '3000000000000003',
      parentSpanId: '1000000000000001',
      name: 'dogs.find_dog',
      startMs: startMs + 100,
      endMs: startMs + 1600,
      attributes: { 'dogbook.learner': learner, 'dogbook.dog.id': dog, 'dogbook.fault': `dogbook.fault.dogs.${dog}=delay:1500` },
    },
  ];

  it('when lab 5 is answered by trying every dog in turn, then nothing passes; one answer to a new riddle, the right one, does', async () => {
    const at = { TRACE_VIEWER_URL: viewer.url };
    await post(slowTrace('5a'.repeat(16), 'guesser', 2, 10_000));
    await post(slowTrace('5b'.repeat(16), 'solver', 2, 10_000));

    const guesses = [];
    for (const dog of [0, 1, 2, 3, 4, 5]) guesses.push(await lab(['check', '5', '--learner', 'guesser', '--answer', String(dog)], at));
    const honest = await lab(['check', '5', '--learner', 'solver', '--answer', '2'], at);

    expect(guesses.map((run) => run.code)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(guesses[2]!.stdout).toContain(`you answered wrongly for your newest slow request (trace ${'5a'.repeat(16)}) before`);
    expect(honest.code).toBe(0);

    // Step 1 again: a newer slow request, another dog, is a new riddle that takes one answer.
    await post(slowTrace('5c'.repeat(16), 'guesser', 4, 20_000));
    const again = await lab(['check', '5', '--learner', 'guesser', '--answer', '4'], at);
    expect(again.stdout).toContain('✓ your answer names the dog that was slow');
    expect(again.code).toBe(0);
  }, 60_000);

  it("when a learner joins another's trace with its traceparent, then the other's spans earn them nothing; the learner who did the work passes", async () => {
    // dana does lab 6: one dog fails and kennels answers 200; inventory fails and kennels answers 502.
    const failedDog: SpanFields = {
      service: 'dogs',
      traceId: '6a'.repeat(16),
      spanId: '3000000000000004',
      parentSpanId: '1000000000000001',
      name: 'dogs.find_dog',
      startMs: 100,
      endMs: 101,
      attributes: { 'dogbook.learner': 'dana', 'dogbook.fault': 'dogbook.fault.dogs.4=error' },
      error: 'injected fault: dogbook.fault.dogs.4=error',
    };
    const inventoryTrace = kennel2Trace('6b'.repeat(16), 'dana');
    inventoryTrace[0]!.attributes!['http.response.status_code'] = 502;
    const failedInventory: SpanFields = {
      service: 'inventory',
      traceId: '6b'.repeat(16),
      spanId: '2000000000000002',
      parentSpanId: '1000000000000001',
      name: 'inventory.find_dog_ids',
      startMs: 3,
      endMs: 4,
      attributes: { 'dogbook.learner': 'dana', 'dogbook.fault': 'dogbook.fault.inventory=error' },
      error: 'injected fault: dogbook.fault.inventory=error',
    };
    await post([...kennel2Trace('6a'.repeat(16), 'dana'), failedDog]);
    await post([...inventoryTrace, failedInventory]);
    // mallory sends two fault-free requests, each with a traceparent naming one of dana's spans.
    for (const traceId of ['6a'.repeat(16), '6b'.repeat(16)]) {
      await post(
        kennel2Trace(traceId, 'mallory', 500).map((span) => ({
          ...span,
          spanId: span.spanId.replace(/^1/, '7'),
          parentSpanId: span.parentSpanId ? span.parentSpanId.replace(/^1/, '7') : '1000000000000001',
        })),
      );
    }

    const gamed = await lab(['check', '6', '--learner', 'mallory'], { TRACE_VIEWER_URL: viewer.url });
    const honest = await lab(['check', '6', '--learner', 'dana'], { TRACE_VIEWER_URL: viewer.url });

    expect(gamed.stdout).toContain("✗ a request of yours where one dog's look-up failed and kennels still answered 200");
    expect(gamed.stdout).toContain('✗ a request of yours where inventory failed and kennels answered 502');
    expect(gamed.code).toBe(1);
    expect(honest.code).toBe(0);
  });

  it('when the inventory call sits inside the new span, then lab 4 fails naming it; with the dog look-ups alone inside, it holds', async () => {
    // withSpan around the whole of withDogs(): kennels.fetch_dog_ids now hangs under kennels.fetch_dogs.
    const wrapped = withFetchDogs('4a'.repeat(16), 'wrapper', '1000000000000001').map((span) =>
      span.name === 'kennels.fetch_dog_ids' ? { ...span, parentSpanId: '1000000000000004' } : span,
    );
    await post(wrapped);
    await post(withFetchDogs('4b'.repeat(16), 'careful', '1000000000000001'));

    const gamed = await lab(['check', '4', '--learner', 'wrapper'], { TRACE_VIEWER_URL: viewer.url });
    const honest = await lab(['check', '4', '--learner', 'careful'], { TRACE_VIEWER_URL: viewer.url });

    expect(gamed.stdout).toContain(
      '✗ the inventory call stays outside it: kennels.fetch_dog_ids does not hang under kennels.fetch_dogs\n    hint: start kennels.fetch_dogs after',
    );
    expect(gamed.code).toBe(1);
    expect(honest.stdout).toContain('✓ the inventory call stays outside it');
    expect(honest.code).toBe(0);
  });

  /** One of lab 9's failing requests for kennel 1: inventory failed on purpose, kennels answered 502. */
  const lab9Failure = (traceId: string, learner: string): SpanFields[] => {
    const tag = { 'dogbook.learner': learner };
    return [
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000001',
        name: 'GET /api/v1/kennels/:id',
        kind: 2,
        startMs: 0,
        endMs: 5,
        attributes: { ...tag, 'http.response.status_code': 502 },
        error: 'Bad Gateway',
      },
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000002',
        parentSpanId: '1000000000000001',
        name: 'kennels.find_kennel',
        startMs: 1,
        endMs: 2,
        attributes: { ...tag, 'dogbook.kennel.id': HEAD_KENNEL },
      },
      {
        service: 'inventory',
        traceId,
        spanId: '2000000000000001',
        parentSpanId: '1000000000000001',
        name: 'inventory.find_dog_ids',
        startMs: 2,
        endMs: 4,
        attributes: { ...tag, 'dogbook.fault': 'dogbook.fault.inventory=error' },
        error: 'injected fault',
      },
    ];
  };
  /** Trace ids the SDK's own ratio sampler, at lab 9's ratio, keeps (`true`) or drops (`false`). */
  const idsSampled = (sampled: boolean, count: number): string[] => {
    const sampler = new TraceIdRatioBasedSampler(HEAD_RATIO);
    const ids: string[] = [];
    while (ids.length < count) {
      const id = randomBytes(16).toString('hex');
      if ((sampler.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED) === sampled) ids.push(id);
    }
    return ids;
  };

  it("when lab 9's failing requests were not all chosen by the ratio sampler, then its head-sampling line fails; when they were, it holds", async () => {
    // Sent with no sampler: fewer than twenty, but the ids are whatever came, not the sampler's half.
    for (const id of [...idsSampled(true, 5), ...idsSampled(false, 1)]) await post(lab9Failure(id, 'unsampled'));
    for (const id of idsSampled(true, 8)) await post(lab9Failure(id, 'sampled'));

    const gamed = await lab(['check', '9', '--learner', 'unsampled'], { TRACE_VIEWER_URL: viewer.url });
    const honest = await lab(['check', '9', '--learner', 'sampled'], { TRACE_VIEWER_URL: viewer.url });

    expect(gamed.stdout).toContain('✗ of your 20 failing requests for kennel 1, the head sampler kept some and lost the others');
    expect(gamed.stdout).toContain('not all chosen by a ratio sampler of 0.5');
    expect(gamed.code).toBe(1);
    expect(honest.stdout).toContain('✓ of your 20 failing requests for kennel 1, the head sampler kept some and lost the others');
    expect(honest.code).toBe(0);
  });

  /**
   * Lab 3's requests for `learner`, each at `at` ms: kennels' trace, whose call to dog 4 is continued
   * by dogs (`dogs: 'joined'`), or not, its other half then a trace of its own tagged or not.
   */
  const lab3Request = (traceId: string, learner: string, at: number, dogs: 'joined' | 'tagged half' | 'untagged half'): SpanFields[][] => {
    const tag = { 'dogbook.learner': learner };
    const kennels: SpanFields[] = [
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000001',
        name: 'GET /api/v1/kennels/:id',
        kind: 2,
        startMs: at,
        endMs: at + 210,
        attributes: { ...tag, 'http.route': '/api/v1/kennels/:id' },
      },
      {
        service: 'kennels',
        traceId,
        spanId: '1000000000000005',
        parentSpanId: '1000000000000001',
        name: 'GET',
        kind: 3,
        startMs: at + 100,
        endMs: at + 200,
        attributes: { ...tag, 'url.full': 'http://127.0.0.1:8083/api/v1/dogs/4' },
      },
    ];
    const server = (id: string, parentSpanId?: string, attributes: Record<string, string> = {}): SpanFields => ({
      service: 'dogs',
      traceId: id,
      spanId: '3000000000000001',
      parentSpanId,
      name: 'GET /api/v1/dogs/:id',
      kind: 2,
      startMs: at + 101,
      endMs: at + 199,
      attributes: { ...attributes, 'url.path': '/api/v1/dogs/4' },
    });
    if (dogs === 'joined') return [[...kennels, server(traceId, '1000000000000005', tag)]];
    const halfId = traceId.replace(/^../, 'ff');
    return [kennels, [server(halfId, undefined, dogs === 'tagged half' ? tag : {})]];
  };

  it('when lab 3 is done and then its question 4 is tried (OTEL_PROPAGATORS=baggage), then it still holds; a dogs-only trace never counts as restored', async () => {
    const continued = kennel2Trace('3a'.repeat(16), 'quentin', 0).map((span, index) =>
      index === 0 ? { ...span, parentSpanId: '00f067aa0ba902b7' } : span,
    );
    await post(continued);
    // Step 3 (propagation off), step 5 (restored), then question 4: baggage only, then restored again.
    for (const spans of [
      ...lab3Request('3b'.repeat(16), 'quentin', 1_000, 'untagged half'),
      ...lab3Request('3c'.repeat(16), 'quentin', 2_000, 'joined'),
      ...lab3Request('3d'.repeat(16), 'quentin', 3_000, 'tagged half'),
    ]) {
      await post(spans);
    }
    const honest = await lab(['check', '3', '--learner', 'quentin'], { TRACE_VIEWER_URL: viewer.url });

    // rita breaks propagation but never restores it: her newer traces are the halves dogs started.
    await post(
      continued.map((span) => ({ ...span, traceId: '3e'.repeat(16), attributes: { ...span.attributes, 'dogbook.learner': 'rita' } })),
    );
    for (const spans of [
      ...lab3Request('3f'.repeat(16), 'rita', 1_000, 'untagged half'),
      ...lab3Request('30'.repeat(16), 'rita', 3_000, 'tagged half'),
    ]) {
      await post(spans);
    }
    const unrestored = await lab(['check', '3', '--learner', 'rita'], { TRACE_VIEWER_URL: viewer.url });

    expect(honest.stdout).toContain("✓ that request's other half: a trace of its own in dogs, started during kennels' call");
    expect(honest.code).toBe(0);
    expect(unrestored.stdout).toContain('✗ after that, a newer trace of yours spans kennels, inventory and dogs again');
    expect(unrestored.code).toBe(1);
  });

  it('when the presenter asks for the status, then every learner seen has a row: each lab ✓ or how many criteria hold', async () => {
    const { code, stdout } = await lab(['status'], { TRACE_VIEWER_URL: viewer.url });

    expect(code).toBe(0);
    const rows = statusRows(stdout);
    expect(rows.get('alice')).toEqual(['✓', '1/3', '1/5', '1/6', '1/3', '1/3', '-', '-', '1/2']);
    // carol's slow dog is there; the answer is hers to give.
    expect(rows.get('carol')![4]).toBe('2/3');
    expect(rows.get('dana')![5]).toBe('✓');
    expect(rows.get('mallory')![5]).toBe('1/3');
    expect(rows.has('bob')).toBe(false);
    expect(stdout).toContain(`The room, read from the trace viewer at ${viewer.url}`);
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
      if (url.pathname === '/api/health') {
        res.end('{"database":"ok"}');
      } else if (url.pathname === '/api/datasources/proxy/uid/tempo/api/v2/search/tag/span.dogbook.learner/values') {
        res.end(JSON.stringify({ tagValues: [{ type: 'string', value: 'alice' }] }));
      } else if (/^\/api\/datasources\/proxy\/uid\/(prometheus|loki)\//.test(url.pathname)) {
        // Prometheus and Loki with nothing in them yet.
        res.end('{}');
      } else if (url.pathname === '/api/datasources/proxy/uid/tempo/api/search') {
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

  it('when the presenter asks for the status from Grafana, then every learner Tempo knows has a row, labs 7 and 8 included', async () => {
    const { code, stdout } = await lab(['status', '--backend', 'grafana'], { GRAFANA_URL: grafanaUrl });

    expect(code).toBe(0);
    expect(stdout).toContain(`The room, read from Tempo through Grafana at ${grafanaUrl}`);
    expect([...statusRows(stdout)]).toEqual([['alice', ['✓', '1/3', '1/5', '1/6', '1/3', '1/3', '0/5', '0/3', '1/4']]]);
  });

  it('when Grafana holds nothing of the learner, then the hint says that search leaves out the last 30 seconds', async () => {
    const { code, stdout } = await lab(['check', '1', '--learner', 'dave', '--backend', 'grafana'], { GRAFANA_URL: grafanaUrl });

    expect(code).toBe(1);
    expect(stdout).toContain('wait 30 seconds');
  });
});
