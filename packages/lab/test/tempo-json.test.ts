import { describe, expect, it } from 'vitest';
import { traceFromTempo } from '../src/sources/tempo-json';
import { tempoTrace, type SpanFields } from './otlp';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const spans: SpanFields[] = [
  {
    service: 'kennels',
    traceId: TRACE,
    spanId: 'b7ad6b7169203331',
    name: 'GET /api/v1/kennels/:id',
    kind: 2,
    startMs: 0,
    endMs: 200,
    attributes: { 'dogbook.learner': 'alice' },
  },
  {
    service: 'dogs',
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    parentSpanId: 'b7ad6b7169203331',
    name: 'dogs.find_dog',
    startMs: 100,
    endMs: 200,
    attributes: { 'dogbook.learner': 'alice', 'dogbook.dog.id': 4 },
    error: 'injected fault: dogbook.fault.dogs.4=error',
  },
];

describe("Tempo's trace JSON", () => {
  it("when Tempo answers with base64 ids, enum names and batches, then the trace reads like the viewer's", () => {
    const trace = traceFromTempo(tempoTrace(spans))!;

    expect(trace).toMatchObject({ traceId: TRACE, spanCount: 2, errorCount: 1, rootServiceName: 'kennels', learners: ['alice'] });
    const dog = trace.spans.find((span) => span.name === 'dogs.find_dog')!;
    expect(dog).toMatchObject({
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      kind: 'INTERNAL',
      serviceName: 'dogs',
      durationMs: 100,
      attributes: { 'dogbook.dog.id': 4 },
      status: { code: 'ERROR', message: 'injected fault: dogbook.fault.dogs.4=error' },
    });
    expect(trace.spans[0]).toMatchObject({ kind: 'SERVER', parentSpanId: null });
  });

  it('when the v2 API wraps the same spans in `trace.resourceSpans`, then the result is the same', () => {
    const v1 = tempoTrace(spans);

    expect(traceFromTempo({ trace: { resourceSpans: v1.batches } })).toEqual(traceFromTempo(v1));
  });

  it('when the answer holds no spans, then there is no trace', () => {
    expect(traceFromTempo({ batches: [] })).toBeUndefined();
    expect(traceFromTempo({})).toBeUndefined();
  });
});
