import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../src/trace';
import { startTraceViewer, type TraceViewer } from '../src/viewer';

type ErrorBody = { error: string };

/** An OTLP/JSON export request as the OpenTelemetry JS exporter writes it. */
const exportRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kennels' } }] },
      scopeSpans: [
        {
          scope: { name: 'kennels' },
          spans: [
            {
              traceId: '5B8AA5A2D2C872E8321CF37308D69DF2',
              spanId: '051581bf3cb55c13',
              name: 'GET /api/v1/kennels/:id',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000212000000',
              attributes: [
                { key: 'http.response.status_code', value: { intValue: 200 } },
                { key: 'dogbook.kennel.id', value: { intValue: '2' } },
                { key: 'dogbook.kennel.found', value: { boolValue: true } },
                { key: 'ratio', value: { doubleValue: 0.5 } },
                { key: 'ids', value: { arrayValue: { values: [{ intValue: 3 }, { intValue: 4 }] } } },
              ],
              status: { code: 0 },
            },
            {
              traceId: '5b8aa5a2d2c872e8321cf37308d69df2',
              spanId: 'a0b1c2d3e4f50617',
              parentSpanId: '051581bf3cb55c13',
              name: 'kennels.fetch_dog_ids',
              kind: 1,
              startTimeUnixNano: 1700000000001000000,
              endTimeUnixNano: '1700000000102000000',
              events: [
                {
                  timeUnixNano: '1700000000101000000',
                  name: 'exception',
                  attributes: [{ key: 'exception.type', value: { stringValue: 'TimeoutError' } }],
                },
              ],
              status: { code: 2, message: 'no answer from http://dogs:8080/api/v1/dogs/4 within 2000 ms' },
            },
          ],
        },
      ],
    },
  ],
};

describe('the OTLP/HTTP receiver', () => {
  let viewer: TraceViewer;

  const post = (path: string, body: string | Uint8Array, contentType = 'application/json') =>
    fetch(`${viewer.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  beforeAll(async () => {
    viewer = await startTraceViewer({ port: 0, print: false, quietMs: 50 });
  });
  afterAll(async () => {
    await viewer.close();
  });

  it('when an OTLP/JSON export arrives, then its spans are served by GET /api/traces/:traceId in the documented shape', async () => {
    const response = await post('/v1/traces', JSON.stringify(exportRequest));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    const trace = (await (await fetch(`${viewer.url}/api/traces/5b8aa5a2d2c872e8321cf37308d69df2`)).json()) as Trace;

    expect(trace).toMatchObject({
      traceId: '5b8aa5a2d2c872e8321cf37308d69df2',
      spanCount: 2,
      errorCount: 1,
      rootServiceName: 'kennels',
      rootSpanName: 'GET /api/v1/kennels/:id',
      durationMs: 212,
    });
    expect(trace.spans[0]).toEqual({
      traceId: '5b8aa5a2d2c872e8321cf37308d69df2',
      spanId: '051581bf3cb55c13',
      parentSpanId: null,
      name: 'GET /api/v1/kennels/:id',
      kind: 'SERVER',
      serviceName: 'kennels',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000212000000',
      durationMs: 212,
      attributes: {
        'http.response.status_code': 200,
        'dogbook.kennel.id': 2,
        'dogbook.kennel.found': true,
        ratio: 0.5,
        ids: [3, 4],
      },
      events: [],
      status: { code: 'UNSET' },
    });
    expect(trace.spans[1]).toMatchObject({
      parentSpanId: '051581bf3cb55c13',
      kind: 'INTERNAL',
      events: [{ name: 'exception', timeUnixNano: '1700000000101000000', attributes: { 'exception.type': 'TimeoutError' } }],
      status: { code: 'ERROR', message: 'no answer from http://dogs:8080/api/v1/dogs/4 within 2000 ms' },
    });
  });

  it('when the body is neither protobuf nor JSON, then the answer is 415 naming both encodings', async () => {
    const response = await post('/v1/traces', 'resourceSpans', 'text/plain');

    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error).toMatch(/application\/x-protobuf or application\/json, not text\/plain/);
  });

  it('when the body is not JSON, then the answer is a 400 JSON error', async () => {
    const response = await post('/v1/traces', '{"resourceSpans": [');

    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty('error');
  });

  it('when the JSON is not an OTLP export, then the answer is a 400 naming the problem, and nothing is stored', async () => {
    const before = viewer.traces().length;
    const badIds = structuredClone(exportRequest);
    badIds.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.spanId = 'not-hex';

    const responses = await Promise.all([
      post('/v1/traces', JSON.stringify({ resourceSpans: 'many' })),
      post('/v1/traces', JSON.stringify([1, 2, 3])),
      post('/v1/traces', JSON.stringify(badIds)),
    ]);

    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    const errors = await Promise.all(responses.map(async (response) => ((await response.json()) as ErrorBody).error));
    expect(errors[0]).toContain('resourceSpans');
    expect(errors[2]).toContain('resourceSpans.0.scopeSpans.0.spans.1.spanId');
    expect(viewer.traces()).toHaveLength(before);
  });

  it('when the body is larger than 5 MB, then the answer is 413', async () => {
    const response = await post('/v1/traces', `{"padding":"${'x'.repeat(5 * 1024 * 1024)}"}`);

    expect(response.status).toBe(413);
  });

  it('when logs or metrics are sent, then they are accepted with 200 and ignored', async () => {
    const logs = await post('/v1/logs', '{"resourceLogs":[]}');
    const metrics = await post('/v1/metrics', new Uint8Array([1, 2, 3]), 'application/x-protobuf');

    expect([logs.status, metrics.status]).toEqual([200, 200]);
    expect(await logs.json()).toEqual({});
  });

  describe('GET /api/traces?learner=', () => {
    /** One trace of two spans; `learner` on the child only, as when a span starts before baggage is read. */
    const tracedBy = (traceId: string, learner: string | undefined) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dogs' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: '1000000000000001',
                  name: 'GET /api/v1/dogs/:id',
                  kind: 2,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000100000000',
                },
                {
                  traceId,
                  spanId: '1000000000000002',
                  parentSpanId: '1000000000000001',
                  name: 'dogs.find_dog',
                  startTimeUnixNano: '1700000000001000000',
                  endTimeUnixNano: '1700000000099000000',
                  attributes: learner === undefined ? [] : [{ key: 'dogbook.learner', value: { stringValue: learner } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const ALICE = 'a1'.repeat(16);
    const ALICE_AGAIN = 'a2'.repeat(16);
    const BOB = 'b0'.repeat(16);
    const NOBODY = 'c0'.repeat(16);

    const idsFor = async (query: string) => {
      const response = await fetch(`${viewer.url}/api/traces${query}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };

    beforeAll(async () => {
      for (const [traceId, learner] of [
        [ALICE, 'alice'],
        [BOB, 'bob'],
        [NOBODY, undefined],
        [ALICE_AGAIN, 'alice'],
      ] as const) {
        expect((await post('/v1/traces', JSON.stringify(tracedBy(traceId, learner)))).status).toBe(200);
      }
    });

    it('when a learner is named, then only the traces with a span tagged with that name are listed, newest first', async () => {
      const { status, body } = await idsFor('?learner=alice');

      expect(status).toBe(200);
      expect((body as Trace[]).map((trace) => trace.traceId)).toEqual([ALICE_AGAIN, ALICE]);
      expect((body as Trace[])[0]!.learners).toEqual(['alice']);
    });

    it('when the learners are asked for, then every name a kept span carries is listed once', async () => {
      const names = (await (await fetch(`${viewer.url}/api/learners`)).json()) as string[];

      expect(names).toEqual(expect.arrayContaining(['alice', 'bob']));
      expect(new Set(names).size).toBe(names.length);
    });

    it('when the learner has no trace, then the list is empty; without the parameter, every trace is listed', async () => {
      const nobody = await idsFor('?learner=carol');
      const all = await idsFor('');

      expect(nobody).toEqual({ status: 200, body: [] });
      expect((all.body as Trace[]).map((trace) => trace.traceId)).toEqual(expect.arrayContaining([ALICE, BOB, NOBODY, ALICE_AGAIN]));
      expect((all.body as Trace[]).find((trace) => trace.traceId === NOBODY)!.learners).toEqual([]);
    });

    it.each([
      ['empty', '?learner='],
      ['too long', `?learner=${'x'.repeat(33)}`],
      ['a character outside the grammar', '?learner=al%20ice'],
      ['a dot', '?learner=alice.smith'],
      ['given twice', '?learner=alice&learner=bob'],
    ])('when the learner name is %s, then the answer is a 400 JSON error stating the grammar', async (_case, query) => {
      const { status, body } = await idsFor(query);

      expect(status).toBe(400);
      expect((body as ErrorBody).error).toContain('1-32 characters of A-Z a-z 0-9 _ -');
    });
  });

  it('when traces are asked for by root service and start time, then only those rooted there and started in the window are listed', async () => {
    const at = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
    const rooted = (traceId: string, service: string, startMs: number) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: '1111111111111111',
                  name: 'GET',
                  kind: 2,
                  startTimeUnixNano: at(startMs),
                  endTimeUnixNano: at(startMs + 5),
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    });
    const inWindow = 'd1'.repeat(16);
    await post('/v1/traces', JSON.stringify(rooted(inWindow, 'dogs', 1_800_000_000_100)));
    await post('/v1/traces', JSON.stringify(rooted('d2'.repeat(16), 'dogs', 1_800_000_000_900)));
    await post('/v1/traces', JSON.stringify(rooted('d3'.repeat(16), 'kennels', 1_800_000_000_100)));

    const response = await fetch(`${viewer.url}/api/traces?rootService=dogs&from=1800000000000&to=1800000000500`);

    expect(((await response.json()) as Trace[]).map((trace) => trace.traceId)).toEqual([inWindow]);
    expect((await fetch(`${viewer.url}/api/traces?from=soon`)).status).toBe(400);
    expect((await fetch(`${viewer.url}/api/traces?rootService=${encodeURIComponent('<script>')}`)).status).toBe(400);
  });

  it('when a trace id is unknown, then GET /api/traces/:traceId answers 404 with a JSON error', async () => {
    const response = await fetch(`${viewer.url}/api/traces/${'0'.repeat(32)}`);

    expect(response.status).toBe(404);
    expect(await response.json()).toHaveProperty('error');
  });
});
