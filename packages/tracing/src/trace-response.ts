import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/** `00-<trace-id>-<span-id>-<flags>`: the W3C Trace Context `traceresponse` header value. */
export function formatTraceResponse({ traceId, spanId, traceFlags }: SpanContext): string {
  const flags = (traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${traceId}-${spanId}-${flags}`;
}
