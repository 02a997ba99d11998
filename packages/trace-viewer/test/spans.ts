import { summarize, type Span, type Trace } from '../src/trace';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const BASE_NANOS = 1_700_000_000_000_000_000n;

/** A span `startMs`..`endMs` after a fixed instant; `spanId` doubles as its name unless one is given. */
export function makeSpan(fields: {
  spanId: string;
  parentSpanId?: string | null;
  startMs: number;
  endMs: number;
  name?: string;
  serviceName?: string;
  traceId?: string;
  error?: string;
  attributes?: Span['attributes'];
}): Span {
  const start = BASE_NANOS + BigInt(Math.round(fields.startMs * 1e6));
  const end = BASE_NANOS + BigInt(Math.round(fields.endMs * 1e6));
  return {
    traceId: fields.traceId ?? TRACE_ID,
    spanId: fields.spanId.padStart(16, '0'),
    parentSpanId: fields.parentSpanId ? fields.parentSpanId.padStart(16, '0') : null,
    name: fields.name ?? fields.spanId,
    kind: 'INTERNAL',
    serviceName: fields.serviceName ?? 'kennels',
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: fields.endMs - fields.startMs,
    attributes: fields.attributes ?? {},
    events: [],
    status: fields.error === undefined ? { code: 'UNSET' } : { code: 'ERROR', message: fields.error },
  };
}

export function makeTrace(spans: Span[]): Trace {
  return summarize(spans[0]!.traceId, spans, { finished: true, droppedSpans: 0 });
}
