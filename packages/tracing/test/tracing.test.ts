import { SpanStatusCode, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { currentTraceId, formatTraceResponse, isHealthCheck, setFaultInjection, withSpan } from '../src/index';
import { createBaggageProcessor, startTracing } from '../src/sdk';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter });
const sdk = startTracing({ spanProcessors: [createBaggageProcessor(), processor] });
const tracer = trace.getTracer('test');

/** The simple processor still exports asynchronously: flush before looking. */
async function finished(name: string): Promise<ReadableSpan> {
  await processor.forceFlush();
  return exporter.getFinishedSpans().find((span) => span.name === name)!;
}

afterAll(() => sdk.shutdown());
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('when the work succeeds, then its result is returned and the span ends with its attributes', async () => {
    const result = await withSpan(tracer, 'test.ok', { 'dogbook.dog.id': 3 }, async () => 'Möhre');

    expect(result).toBe('Möhre');
    const span = await finished('test.ok');
    expect(span.attributes).toEqual({ 'dogbook.dog.id': 3 });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.ended).toBe(true);
  });

  it('when the work throws, then the span records the exception with ERROR status and error.type, and the error is rethrown', async () => {
    const failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

    await expect(
      withSpan(tracer, 'test.fail', {}, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const span = await finished('test.fail');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect(span.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span.events[0]?.name).toBe('exception');
    expect(span.events[0]?.attributes?.['exception.message']).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('when the work throws a DOMException, then error.type is its name, not its numeric legacy code', async () => {
    const timeout = new DOMException('no answer within 1000 ms', 'TimeoutError');

    await expect(withSpan(tracer, 'test.timeout', {}, () => Promise.reject(timeout))).rejects.toBe(timeout);

    expect((await finished('test.timeout')).attributes['error.type']).toBe('TimeoutError');
  });

  it('when spans are opened inside the work, then they are its children and share its trace id', async () => {
    await withSpan(tracer, 'test.parent', {}, async () => {
      await withSpan(tracer, 'test.child', {}, async () => {
        expect(currentTraceId()).toMatch(/^[0-9a-f]{32}$/);
      });
    });

    const parent = await finished('test.parent');
    const child = await finished('test.child');
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it('when no span is active, then there is no current trace id', () => {
    expect(currentTraceId()).toBeUndefined();
  });
});

describe('the baggage span processor', () => {
  it('when the baggage carries dogbook.* members, then every span gets them as attributes and nothing else', async () => {
    const baggage = propagation.createBaggage({
      'dogbook.learner': { value: 'alice' },
      'dogbook.fault.dogs.4': { value: 'delay:300' },
      'user.email': { value: 'alice@example.com' },
    });

    await context.with(propagation.setBaggage(context.active(), baggage), () =>
      withSpan(tracer, 'test.parent', {}, () => withSpan(tracer, 'test.child', {}, async () => undefined)),
    );

    for (const name of ['test.parent', 'test.child']) {
      expect((await finished(name)).attributes).toEqual({ 'dogbook.learner': 'alice', 'dogbook.fault.dogs.4': 'delay:300' });
    }
  });

  it.each([
    ['a malformed fault', { 'dogbook.learner': 'alice', 'dogbook.fault.dogs.4': 'delay:99999' }],
    ['a learner name with control characters', { 'dogbook.learner': 'al\u001b[2Jice' }],
    ['an unknown dogbook.* key', { 'dogbook.learner': 'alice', 'dogbook.whatever': 'x' }],
  ])('when the baggage holds %s, then no dogbook.* member becomes an attribute, the valid ones neither', async (_what, members) => {
    const baggage = propagation.createBaggage(Object.fromEntries(Object.entries(members).map(([key, value]) => [key, { value }])));

    await context.with(propagation.setBaggage(context.active(), baggage), () =>
      withSpan(tracer, 'test.refused', {}, async () => undefined),
    );

    expect((await finished('test.refused')).attributes).toEqual({});
  });

  it('when the service reads no faults (FAULT_INJECTION=off), then its malformed fault members are ignored and the learner name alone is copied', async () => {
    const baggage = propagation.createBaggage({ 'dogbook.learner': { value: 'bob' }, 'dogbook.fault.cats': { value: 'explode' } });
    setFaultInjection(false);
    try {
      await context.with(propagation.setBaggage(context.active(), baggage), () =>
        withSpan(tracer, 'test.faults-off', {}, async () => undefined),
      );
    } finally {
      setFaultInjection(true);
    }

    expect((await finished('test.faults-off')).attributes).toEqual({ 'dogbook.learner': 'bob' });
  });
});

describe('formatTraceResponse', () => {
  it('when a span context is sampled, then the header is version 00 with trace id, span id and flags 01', () => {
    const header = formatTraceResponse({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });

    expect(header).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('when a span context is not sampled, then the flags are 00', () => {
    const header = formatTraceResponse({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.NONE });

    expect(header.endsWith('-00')).toBe(true);
  });
});

describe('isHealthCheck', () => {
  it.each([
    ['/healthz', true],
    ['/readyz', true],
    ['/readyz?verbose=1', true],
    ['/healthz/', false],
    ['/api/v1/dogs', false],
    [undefined, false],
  ])('when the URL is %s, then it is a probe: %s', (url, probe) => {
    expect(isHealthCheck(url)).toBe(probe);
  });
});
