import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countProtobufTraceSpans } from '../src/otlp-protobuf';
import type { Trace } from '../src/trace';
import { startTraceViewer, type TraceViewer } from '../src/viewer';

/** One attribute of every type OTLP carries, sent and expected back unchanged. */
const FETCH_DOG_ATTRIBUTES = {
  'dogbook.dog.id': 4,
  'dogbook.dog.found': false,
  ratio: 0.25,
  'url.full': 'http://127.0.0.1:8083/api/v1/dogs/4',
  ids: [3, 4, 5],
  names: ['Möhre', 'Jack'],
};

/*
 * The same spans, encoded by the serializers the OpenTelemetry exporters use (otlp-transformer's
 * protobuf and JSON ones), must come out of the viewer alike: protobuf is decoded to the OTLP/JSON
 * shape and read by the one parser.
 */
function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('kennels');
  const server = tracer.startSpan('GET /api/v1/kennels/:id', { kind: SpanKind.SERVER });
  // No context manager here: the parent is handed over explicitly.
  const fetchDog = tracer.startSpan(
    'kennels.fetch_dog',
    {
      attributes: FETCH_DOG_ATTRIBUTES,
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  fetchDog.recordException(new TypeError('fetch failed'));
  fetchDog.setStatus({ code: SpanStatusCode.ERROR, message: 'no answer from http://dogs:8080/api/v1/dogs/4 within 2000 ms' });
  fetchDog.end();
  server.setAttribute('http.response.status_code', 200);
  server.end();
  return exporter.getFinishedSpans();
}

const post = (viewer: TraceViewer, body: Uint8Array, contentType: string) =>
  fetch(`${viewer.url}/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('the OTLP/HTTP receiver, fed protobuf', () => {
  let fromProtobuf: TraceViewer;
  let fromJson: TraceViewer;
  const spans = recordSpans();
  const traceId = spans[0]!.spanContext().traceId;

  beforeAll(async () => {
    [fromProtobuf, fromJson] = await Promise.all([
      startTraceViewer({ port: 0, print: false, quietMs: 50 }),
      startTraceViewer({ port: 0, print: false, quietMs: 50 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fromProtobuf?.close(), fromJson?.close()]);
  });

  it('when the exporter sends protobuf, then the answer is 200 with an empty protobuf response', async () => {
    const response = await post(fromProtobuf, ProtobufTraceSerializer.serializeRequest(spans)!, 'application/x-protobuf');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('when the same spans arrive as protobuf and as JSON, then the viewer serves the same trace, events included', async () => {
    await post(fromProtobuf, ProtobufTraceSerializer.serializeRequest(spans)!, 'application/x-protobuf');
    const json = await post(fromJson, JsonTraceSerializer.serializeRequest(spans)!, 'application/json');
    expect(json.status).toBe(200);

    const viaProtobuf = fromProtobuf.trace(traceId);
    const viaJson = fromJson.trace(traceId);

    expect(viaProtobuf).toBeDefined();
    const withoutTiming = (trace: Trace | undefined) => ({ ...trace, finished: undefined });
    expect(withoutTiming(viaProtobuf)).toEqual(withoutTiming(viaJson));
    expect(viaProtobuf!.spans.find((span) => span.name === 'kennels.fetch_dog')).toMatchObject({
      traceId,
      parentSpanId: spans.find((span) => span.name.startsWith('GET'))!.spanContext().spanId,
      kind: 'INTERNAL',
      attributes: FETCH_DOG_ATTRIBUTES,
      events: [
        {
          name: 'exception',
          timeUnixNano: expect.stringMatching(/^\d{19}$/),
          attributes: { 'exception.type': 'TypeError', 'exception.message': 'fetch failed', 'exception.stacktrace': expect.any(String) },
        },
      ],
      status: { code: 'ERROR', message: 'no answer from http://dogs:8080/api/v1/dogs/4 within 2000 ms' },
    });
    expect(viaProtobuf!).toMatchObject({ rootSpanName: 'GET /api/v1/kennels/:id', spanCount: 2, errorCount: 1 });
  });

  it('when a protobuf export is only counted, then the count is the number of spans it carries', () => {
    // Two tracer providers, so two resources: the count adds up across them.
    const twice = [...spans, ...recordSpans()];

    expect(countProtobufTraceSpans(ProtobufTraceSerializer.serializeRequest(twice)!)).toBe(4);
    expect(countProtobufTraceSpans(new Uint8Array())).toBe(0);
  });

  it('when the body is not protobuf, then the answer is a 400 naming the encoding, and nothing is stored', async () => {
    const before = fromProtobuf.traces().length;

    const response = await post(fromProtobuf, new Uint8Array([0x0a, 0xff, 0xff, 0x01]), 'application/x-protobuf');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('not an OTLP/protobuf trace export');
    expect(fromProtobuf.traces()).toHaveLength(before);
  });

  it('when a protobuf span lacks its span id, then the answer is a 400 naming the field', async () => {
    // A ResourceSpans > ScopeSpans > Span holding only a 16-byte trace id (field 1) and a name (field 5).
    const span = [0x0a, 16, ...new Array(16).fill(0xab), 0x2a, 1, 0x78];
    const scopeSpans = [0x12, span.length, ...span];
    const resourceSpans = [0x12, scopeSpans.length, ...scopeSpans];
    const request = new Uint8Array([0x0a, resourceSpans.length, ...resourceSpans]);

    const response = await post(fromProtobuf, request, 'application/x-protobuf');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('resourceSpans.0.scopeSpans.0.spans.0.spanId');
  });
});
