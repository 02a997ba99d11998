import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { startTracing } from '../src/sdk';

/** A fresh copy of the lifecycle module each time: no SDK started by an earlier test lingers in it. */
async function freshLifecycle() {
  vi.resetModules();
  return import('../src/lifecycle.js');
}

/** Starts tracing with `processor` alone and no instrumentations, as the global tracer provider. */
async function startWith(processor: SimpleSpanProcessor | BatchSpanProcessor) {
  const lifecycle = await freshLifecycle();
  // The SDK registers its tracer provider globally only when none is registered yet.
  trace.disable();
  lifecycle.setActiveSdk(startTracing({ instrumentations: [], spanProcessors: [processor] }));
  return lifecycle;
}

describe('shutdownTracing', () => {
  it('when tracing was never started, then shutdown has nothing to flush and reports success', async () => {
    const { shutdownTracing } = await freshLifecycle();

    expect(await shutdownTracing(10)).toBe(true);
  });

  it('when a span waits in the batch, then shutdown exports it before reporting success', async () => {
    const exported: string[] = [];
    const recorder: SpanExporter = {
      export: (spans, done) => {
        exported.push(...spans.map((span) => span.name));
        done({ code: 0 }); // ExportResultCode.SUCCESS
      },
      shutdown: async () => {},
    };
    // A batch sent only every minute: the span can reach the exporter only through the flush.
    const { shutdownTracing } = await startWith(new BatchSpanProcessor({ exporter: recorder, scheduledDelayMillis: 60_000 }));
    trace.getTracer('test').startSpan('test.buffered').end();
    expect(exported).toEqual([]);

    const flushed = await shutdownTracing(5_000);

    expect(flushed).toBe(true);
    expect(exported).toEqual(['test.buffered']);
  });

  it('when the exporter never finishes, then shutdown gives up at the deadline and says so', async () => {
    const stuck: SpanExporter = {
      export: () => {},
      shutdown: () => new Promise(() => {}),
    };
    const { shutdownTracing } = await startWith(new SimpleSpanProcessor({ exporter: stuck }));

    // Only the deadline can answer: the stuck exporter neither resolves nor rejects.
    expect(await shutdownTracing(200)).toBe(false);
  });
});
