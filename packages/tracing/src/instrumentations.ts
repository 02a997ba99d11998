import { ServerResponse, type IncomingMessage } from 'node:http';
import { isSpanContextValid, type Span } from '@opentelemetry/api';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { formatTraceResponse } from './trace-response';

/** Probe paths: asked every few seconds by orchestrators, they would drown the real traces. */
const HEALTH_CHECK_PATHS = new Set(['/healthz', '/readyz']);

function isHealthCheck(request: IncomingMessage): boolean {
  const path = request.url?.split('?', 1)[0] ?? '';
  return HEALTH_CHECK_PATHS.has(path);
}

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

/**
 * The auto-instrumentations, minus the ones that only add noise to a DogBook trace.
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS still apply on top.
 */
export function createInstrumentations(): Instrumentation[] {
  return getNodeAutoInstrumentations({
    // A span for every file read, DNS lookup and TCP connect hides the requests we came to see;
    // `net` even starts root spans of its own.
    '@opentelemetry/instrumentation-fs': { enabled: false },
    '@opentelemetry/instrumentation-dns': { enabled: false },
    '@opentelemetry/instrumentation-net': { enabled: false },
    // Express 5 routes through the `router` package: instrumenting both doubles every layer span.
    '@opentelemetry/instrumentation-router': { enabled: false },
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: isHealthCheck,
      responseHook: addTraceResponseHeader,
    },
    // Express still names the server span after its route (`GET /api/v1/kennels/:id`) and sets
    // `http.route`, but makes no span of its own: one per middleware and router says nothing about
    // this request, and the `request handler` span repeated the server span (same route, the same
    // duration but for a fraction of a millisecond). Without it a service's own spans hang straight
    // under its server span, and a request makes 18 spans instead of 23: measured at saturation,
    // tracing then added 524 µs of CPU per request instead of 554 (README, "Performance: what
    // tracing costs").
    '@opentelemetry/instrumentation-express': {
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    },
    // Log lines always get trace_id and span_id. Sending them as OTLP log records as well means
    // parsing every line again, for nothing when OTEL_LOGS_EXPORTER=none. Measured at saturation:
    // dogs alone used 12% less CPU per request without it (138 -> 122 us); in `pnpm bench` the
    // traced/untraced ratio moved from 0.40 to 0.41, inside the noise of a shared machine.
    '@opentelemetry/instrumentation-pino': { disableLogSending: !logsAreExported() },
  });
}
