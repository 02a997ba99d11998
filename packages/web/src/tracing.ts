/**
 * The page's OpenTelemetry setup, the browser's counterpart of packages/tracing: the page load and
 * every fetch become spans, fetches carry `traceparent` and `baggage` to kennels, and the spans go
 * to `/v1/traces` on the page's own origin (nginx passes them on), so no CORS and no extra port.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LEARNER_KEY } from '@dogbook/tracing/conventions';
import { BatchSpanProcessor, StackContextManager, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';

/** Set by build.mjs: OTEL_SERVICE_NAME at build time, else the package's name. */
declare const SERVICE_NAME: string;

const TRACES_PATH = '/v1/traces';

/**
 * Tags every span of the page with the learner's name, as the services' baggage span processor
 * tags theirs: the page load has no baggage to copy from, so the name is read when a span starts.
 */
function learnerProcessor(learner: () => string | undefined): SpanProcessor {
  return {
    onStart: (span) => {
      const name = learner();
      if (name) span.setAttribute(LEARNER_KEY, name);
    },
    onEnd: () => {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

export function startTracing(learner: () => string | undefined): void {
  const exporter = new OTLPTraceExporter({ url: new URL(TRACES_PATH, location.href).href });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE_NAME }),
    // The batch also goes out when the tab is hidden or closed, so no span waits for the next click.
    spanProcessors: [learnerProcessor(learner), new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
  });
  trace.setGlobalTracerProvider(provider);
  // The browser has no AsyncLocalStorage: the context is carried through synchronous calls only,
  // which is enough here, because each fetch starts inside context.with() (see api.ts).
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  registerInstrumentations({
    instrumentations: [
      new DocumentLoadInstrumentation(),
      // Same-origin requests get traceparent by default; the exporter's own requests get no span.
      new FetchInstrumentation({ ignoreUrls: [new RegExp(`${TRACES_PATH}$`)] }),
    ],
  });
}
