import { ServerResponse, type IncomingMessage } from 'node:http';
import { isSpanContextValid, type Span } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { isHealthCheck } from './conventions';
import { formatTraceResponse } from './trace-response';

/**
 * Answers every incoming request with a W3C `traceresponse` header, so `curl -i` shows the trace id.
 * The hook runs when the server span starts, so the span id is the server span's own. With tracing
 * switched off (OTEL_TRACES_EXPORTER=none) there is no trace to point at, and so no header.
 */
function addTraceResponseHeader(span: Span, response: IncomingMessage | ServerResponse): void {
  const spanContext = span.spanContext();
  if (response instanceof ServerResponse && !response.headersSent && isSpanContextValid(spanContext)) {
    response.setHeader('traceresponse', formatTraceResponse(spanContext));
  }
}

/** Whether OTEL_LOGS_EXPORTER (`none` unless set: see sdk.ts) sends log records anywhere. */
function logsAreExported(): boolean {
  const exporters = (process.env.OTEL_LOGS_EXPORTER ?? 'none').split(',').map((name) => name.trim());
  return exporters.some((name) => name !== 'none' && name !== '');
}

/** `OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino,express` -> ['pino', 'express']; unset -> undefined. */
function namesIn(variable: string): string[] | undefined {
  const value = process.env[variable]?.trim();
  return value ? value.split(',').map((name) => name.trim()) : undefined;
}

/**
 * The instrumentations for the libraries DogBook uses, and no others, by the short names that
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS and OTEL_NODE_DISABLED_INSTRUMENTATIONS use (the package name
 * without `@opentelemetry/instrumentation-`, as in the auto-instrumentations package). Factories,
 * because an instrumentation patches its library as soon as it is constructed.
 */
const INSTRUMENTATIONS: Record<string, () => Instrumentation> = {
  // Incoming requests: the server span of each service. Not `fs`, `dns` or `net`: a span for every
  // file read, DNS lookup and TCP connect would hide the requests we came to see.
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isHealthCheck(request.url),
      responseHook: addTraceResponseHeader,
    }),
  // Outgoing requests: undici, which kennels calls its neighbours with (Node's `fetch` is undici too).
  undici: () => new UndiciInstrumentation(),
  // Express still names the server span after its route (`GET /api/v1/kennels/:id`) and sets
  // `http.route`, but makes no span of its own: one per middleware and router says nothing about
  // this request, and the `request handler` span repeated the server span (same route, the same
  // duration). Without it a service's own spans hang straight under its server span, and every span
  // left costs CPU (docs/performance.md). Express 5 routes through the `router` package, left
  // uninstrumented: instrumenting both would double every layer span.
  express: () =>
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
  // Log lines always get trace_id and span_id. Sending them as OTLP log records as well means
  // parsing every line again, for nothing when OTEL_LOGS_EXPORTER=none (docs/performance.md).
  pino: () => new PinoInstrumentation({ disableLogSending: !logsAreExported() }),
};

/**
 * DogBook's four instrumentations, narrowed by OTEL_NODE_ENABLED_INSTRUMENTATIONS (only these) and
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS (all but these). Named one by one rather than through the
 * auto-instrumentations package, which loads 39 of them (every database client, queue and framework
 * it knows) for a service that uses four: less memory, a faster start, a smaller image
 * (docs/performance.md). A service that takes up a library adds its instrumentation here.
 */
export function createInstrumentations(): Instrumentation[] {
  const enabled = namesIn('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabled = namesIn('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [];
  return Object.entries(INSTRUMENTATIONS)
    .filter(([name]) => (enabled?.includes(name) ?? true) && !disabled.includes(name))
    .map(([, create]) => create());
}
