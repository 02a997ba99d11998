import { LEARNER_KEY } from '@dogbook/tracing/conventions';
/** The shapes the viewer serves as JSON (GET /api/traces) and hands to its library users. */

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
export type AttributeValue = string | number | boolean | null | AttributeValue[];

export interface Span {
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  /** From the `service.name` resource attribute of the process that sent the span. */
  serviceName: string;
  /** Unix time in nanoseconds, as a string: a JavaScript number cannot hold it exactly. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  attributes: Record<string, AttributeValue>;
  /** What happened during the span, such as an `exception` with its type, message and stack. */
  events: SpanEvent[];
  status: { code: StatusCodeName; message?: string };
}

export interface SpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, AttributeValue>;
}

export interface Trace {
  traceId: string;
  /** Spans by start time. */
  spans: Span[];
  spanCount: number;
  errorCount: number;
  /** The earliest span without a parent, as far as the spans received so far tell. */
  rootServiceName: string | null;
  rootSpanName: string | null;
  /** From the earliest span start to the latest span end. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  /** Whether no span has arrived for `quietMs`, so the waterfall was printed. */
  finished: boolean;
  /** Spans refused because the trace already held its maximum. */
  droppedSpans: number;
  /**
   * The `dogbook.learner` names its spans carry (from `baggage: dogbook.learner=alice`), sorted:
   * normally one name or none.
   */
  learners: string[];
}

/** The span attribute that names whose request a span belongs to, copied from the baggage member. */
export const LEARNER_ATTRIBUTE = LEARNER_KEY;

export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}

/** Builds the summary fields of a trace from its spans (which must not be empty). */
export function summarize(traceId: string, spans: Span[], extra: { finished: boolean; droppedSpans: number }): Trace {
  const sorted = [...spans].sort(byStartTime);
  let start = BigInt(sorted[0]!.startTimeUnixNano);
  let end = BigInt(sorted[0]!.endTimeUnixNano);
  for (const span of sorted) {
    const spanStart = BigInt(span.startTimeUnixNano);
    const spanEnd = BigInt(span.endTimeUnixNano);
    if (spanStart < start) start = spanStart;
    if (spanEnd > end) end = spanEnd;
  }
  const root = sorted.find((span) => span.parentSpanId === null);
  const learners = new Set<string>();
  for (const span of sorted) {
    const learner = span.attributes[LEARNER_ATTRIBUTE];
    if (typeof learner === 'string') learners.add(learner);
  }
  return {
    traceId,
    spans: sorted,
    spanCount: sorted.length,
    errorCount: sorted.filter((span) => span.status.code === 'ERROR').length,
    rootServiceName: root?.serviceName ?? null,
    rootSpanName: root?.name ?? null,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: nanosToMs(end - start),
    ...extra,
    learners: [...learners].sort(),
  };
}

export function byStartTime(a: Span, b: Span): number {
  const difference = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
