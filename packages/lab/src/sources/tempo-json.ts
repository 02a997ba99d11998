import { parseTraceExport, summarize } from '@dogbook/trace-viewer';
import type { Trace } from '../traces';

/**
 * Tempo answers a trace by id in protobuf's JSON mapping, where ids are base64 bytes rather than
 * OTLP/JSON's hex, spans of older versions sit under `batches` and `instrumentationLibrarySpans`,
 * and the v2 API wraps it all in `trace`. This turns any of those into an OTLP/JSON export, read
 * by the trace viewer's own parser, so both backends give the checks the same Trace.
 */
function toHex(id: unknown, bytes: number): unknown {
  if (typeof id !== 'string' || id === '') return id;
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(id)) return id.toLowerCase();
  const decoded = Buffer.from(id, 'base64');
  return decoded.length === bytes ? decoded.toString('hex') : id;
}

type Json = Record<string, unknown>;

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

export function traceFromTempo(body: unknown): Trace | undefined {
  const root = (body ?? {}) as Json;
  const inner = (root.trace ?? root) as Json;
  const resourceSpans = asArray(inner.resourceSpans ?? inner.batches).map((batch) => ({
    resource: batch.resource,
    scopeSpans: asArray(batch.scopeSpans ?? batch.instrumentationLibrarySpans).map((scope) => ({
      spans: asArray(scope.spans).map((span) => ({
        ...span,
        traceId: toHex(span.traceId, 16),
        spanId: toHex(span.spanId, 8),
        parentSpanId: toHex(span.parentSpanId, 8),
      })),
    })),
  }));
  const spans = parseTraceExport({ resourceSpans });
  if (spans.length === 0) return undefined;
  return summarize(spans[0]!.traceId, spans, { finished: true, droppedSpans: 0 });
}
