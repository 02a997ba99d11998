/**
 * The three services in one process, on ephemeral ports, talking real HTTP, traced with the
 * project's own tracing setup and an in-memory exporter.
 */
// Must stay the first import: tracing has to patch http and express before anything loads them.
import { exporter, sdk } from './tracing-first';
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@dogbook/service-kit';
import { createApp } from '../src/app';
import { deadUrl, startNeighbours } from './neighbours';

const DOG_LATENCY_MS = 50;
const silent = createLogger('kennels', 'silent');

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/**
 * GET as an untraced client such as curl. The test's own http client is instrumented too, and
 * would otherwise open the trace with a CLIENT span of its own.
 */
function get(app: Parameters<typeof request>[0], path: string, headers: Record<string, string> = {}) {
  return context.with(suppressTracing(context.active()), () =>
    request(app)
      .get(path)
      .set(headers)
      .then((res) => res),
  );
}

/** Spans end a moment after the response is sent; wait (bounded) until kennels' server span is in. */
function traceOf(traceId: string): Promise<ReadableSpan[]> {
  return vi.waitFor(
    () => {
      const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
      if (!spans.some((span) => span.kind === SpanKind.SERVER && span.name.startsWith('GET /api/v1/kennels'))) {
        throw new Error(`no finished kennels server span for trace ${traceId}`);
      }
      return spans;
    },
    { timeout: 1_000, interval: 20 },
  );
}

function traceResponse(res: request.Response) {
  const [version, traceId, spanId, flags] = String(res.headers.traceresponse).split('-');
  return { version, traceId: traceId!, spanId: spanId!, flags };
}

/** The chain of span names from `span` up to the root of its trace. */
function ancestry(span: ReadableSpan, spans: ReadableSpan[]): string[] {
  const names = [];
  for (let at: ReadableSpan | undefined = span; at; at = spans.find((s) => s.spanContext().spanId === parentOf(at!))) {
    names.push(at.name);
  }
  return names;
}

afterAll(() => sdk.shutdown());
beforeEach(() => exporter.reset());

describe('a request for kennel 2, traced across the three services', () => {
  let neighbours: Awaited<ReturnType<typeof startNeighbours>>;
  let app: Awaited<ReturnType<typeof createApp>>;

  beforeAll(async () => {
    neighbours = await startNeighbours({ inventoryMs: 10, dogsMs: DOG_LATENCY_MS });
    app = createApp({ INVENTORY_URL: neighbours.inventoryUrl, DOGS_URL: neighbours.dogsUrl, DOWNSTREAM_TIMEOUT_MS: 2000 }, silent);
  });
  afterAll(() => neighbours.close());

  it('when kennel 2 is asked for, then one trace holds every hop with the right parents', async () => {
    const res = await get(app, '/api/v1/kennels/2');
    const { traceId, spanId } = traceResponse(res);
    const spans = await traceOf(traceId);
    const byName = (name: string) => spans.filter((span) => span.name === name);

    expect(res.status).toBe(200);
    const root = spans.find((span) => parentOf(span) === undefined)!;
    expect(root.name).toBe('GET /api/v1/kennels/:id');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.spanContext().spanId).toBe(spanId);
    expect(root.attributes['http.route']).toBe('/api/v1/kennels/:id');
    expect(spans.filter((span) => parentOf(span) === undefined)).toHaveLength(1);

    const [findDogIds] = byName('inventory.find_dog_ids');
    expect(findDogIds!.attributes).toMatchObject({ 'dogbook.kennel.id': 2, 'dogbook.dog.count': 3 });
    expect(ancestry(findDogIds!, spans)).toEqual([
      'inventory.find_dog_ids',
      'GET /api/v1/inventory/:kennelId',
      'GET',
      'kennels.fetch_dog_ids',
      'GET /api/v1/kennels/:id',
    ]);

    const findDogs = byName('dogs.find_dog');
    expect(findDogs.map((span) => span.attributes['dogbook.dog.id']).sort()).toEqual([3, 4, 5]);
    for (const findDog of findDogs) {
      expect(ancestry(findDog, spans)).toEqual([
        'dogs.find_dog',
        'GET /api/v1/dogs/:id',
        'GET',
        'kennels.fetch_dog',
        'GET /api/v1/kennels/:id',
      ]);
    }

    const clientSpans = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(clientSpans).toHaveLength(4);
    // kennels 10 (server, find_kennel, fetch_dog_ids and 3 fetch_dog, each fetch with its client
    // span), inventory 2, dogs 2 per dog: Express adds none of its own.
    expect(spans).toHaveLength(18);
    expect(spans.every((span) => span.status.code !== SpanStatusCode.ERROR)).toBe(true);
  });

  it('when kennel 2 is asked for, then the three dog look-ups run at the same time', async () => {
    const res = await get(app, '/api/v1/kennels/2');
    const spans = await traceOf(traceResponse(res).traceId);
    const toMs = ([seconds, nanos]: [number, number]) => seconds * 1e3 + nanos / 1e6;

    const fetches = spans.filter((span) => span.name === 'kennels.fetch_dog');
    const latestStart = Math.max(...fetches.map((span) => toMs(span.startTime)));
    const earliestEnd = Math.min(...fetches.map((span) => toMs(span.endTime)));

    expect(fetches).toHaveLength(3);
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('when a request arrives with a valid traceparent, then its trace is continued', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';

    const res = await get(app, '/api/v1/kennels/0', { traceparent: `00-${traceId}-${callerSpanId}-01` });
    const spans = await traceOf(traceId);

    expect(res.status).toBe(200);
    expect(traceResponse(res).traceId).toBe(traceId);
    const server = spans.find((span) => span.name === 'GET /api/v1/kennels/:id')!;
    expect(parentOf(server)).toBe(callerSpanId);
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['a short span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa-01'],
    ['an oversized value', `00-${'a'.repeat(5000)}-00f067aa0ba902b7-01`],
  ])('when a request arrives with %s as traceparent, then it is served in a fresh trace', async (_case, header) => {
    const res = await get(app, '/api/v1/kennels/0', { traceparent: header });
    const { traceId } = traceResponse(res);
    const spans = await traceOf(traceId);

    expect(res.status).toBe(200);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    const server = spans.find((span) => span.name === 'GET /api/v1/kennels/:id')!;
    expect(parentOf(server)).toBeUndefined();
  });

  it('when a request fails validation, then the JSON error names the trace it belongs to', async () => {
    const res = await get(app, '/api/v1/kennels/abc');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'id must be a non-negative integer', traceId: traceResponse(res).traceId });
  });

  it('when a kennel does not exist, then the server span stays unset and holds what the caller was told', async () => {
    const res = await get(app, '/api/v1/kennels/9');
    const spans = await traceOf(traceResponse(res).traceId);

    expect(res.status).toBe(404);
    const server = spans.find((span) => span.name === 'GET /api/v1/kennels/:id')!;
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([
      ['exception', 'no kennel with id 9'],
    ]);
  });

  it('when a request is logged, then its log line carries the trace id and span id of the request', async () => {
    const lines: string[] = [];
    const logger = createLogger('kennels', 'info', { write: (line: string) => lines.push(line) });
    const loggedApp = createApp(
      { INVENTORY_URL: neighbours.inventoryUrl, DOGS_URL: neighbours.dogsUrl, DOWNSTREAM_TIMEOUT_MS: 2000 },
      logger,
    );

    const res = await get(loggedApp, '/api/v1/kennels/1');

    const { traceId, spanId } = traceResponse(res);
    const entry = lines.map((line) => JSON.parse(line)).find((record) => record.req?.url === '/api/v1/kennels/1');
    expect(entry).toMatchObject({ trace_id: traceId, span_id: spanId, trace_flags: '01', res: { statusCode: 200 } });
  });

  it('when a health check is made, then it produces no span', async () => {
    const health = await get(app, '/healthz');
    const readiness = await get(app, '/readyz');
    const res = await get(app, '/api/v1/kennels/0');
    await traceOf(traceResponse(res).traceId);

    expect([health.status, readiness.status]).toEqual([200, 200]);
    const paths = exporter.getFinishedSpans().map((span) => span.attributes['url.path']);
    expect(paths).toContain('/api/v1/kennels/0');
    expect(paths.filter((path) => /healthz|readyz/.test(String(path)))).toEqual([]);
  });
});

describe('a traced request when a neighbour is down', () => {
  it('when the dogs service is unreachable, then the kennel answers 200 with null names and each failed call is an ERROR span', async () => {
    const neighbours = await startNeighbours();
    const app = createApp({ INVENTORY_URL: neighbours.inventoryUrl, DOGS_URL: await deadUrl(), DOWNSTREAM_TIMEOUT_MS: 2000 }, silent);

    const res = await get(app, '/api/v1/kennels/2');
    const spans = await traceOf(traceResponse(res).traceId);
    await neighbours.close();

    expect(res.status).toBe(200);
    expect(res.body.dogs.map((dog: { name: unknown }) => dog.name)).toEqual([null, null, null]);
    const fetches = spans.filter((span) => span.name === 'kennels.fetch_dog');
    expect(fetches).toHaveLength(3);
    for (const fetch of fetches) {
      expect(fetch.status.code).toBe(SpanStatusCode.ERROR);
      expect(fetch.attributes['error.type']).toBe('ECONNREFUSED');
      expect(fetch.events.map((event) => event.name)).toContain('exception');
    }
    const root = spans.find((span) => span.name === 'GET /api/v1/kennels/:id')!;
    expect(root.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('when the inventory service is unreachable, then the answer is a 502 whose trace id leads to an ERROR trace', async () => {
    const neighbours = await startNeighbours();
    const app = createApp({ INVENTORY_URL: await deadUrl(), DOGS_URL: neighbours.dogsUrl, DOWNSTREAM_TIMEOUT_MS: 2000 }, silent);

    const res = await get(app, '/api/v1/kennels/2');
    const { traceId } = traceResponse(res);
    const spans = await traceOf(traceId);
    await neighbours.close();

    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'the inventory service did not answer for kennel 2', traceId });
    const fetch = spans.find((span) => span.name === 'kennels.fetch_dog_ids')!;
    expect(fetch.status.code).toBe(SpanStatusCode.ERROR);
    const root = spans.find((span) => span.name === 'GET /api/v1/kennels/:id')!;
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes['http.response.status_code']).toBe(502);
    expect(root.events[0]?.attributes?.['exception.message']).toBe('the inventory service did not answer for kennel 2');
  });
});
