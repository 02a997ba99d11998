import { SERVICE_NAMES } from '@dogbook/service-kit/services';
import { LEARNER_ATTRIBUTE, summarize, type Span, type Trace } from '@dogbook/trace-viewer';

export type { Span, Trace };

/**
 * The part of `trace` that `learner` caused: the spans carrying their name, none else. Anyone can
 * join another learner's trace by sending its id in `traceparent`; the spans that learner's own
 * request made then share the trace, but not the name, and earn the joiner nothing.
 */
export function ownPart(trace: Trace, learner: string): Trace | undefined {
  const spans = trace.spans.filter((span) => span.attributes[LEARNER_ATTRIBUTE] === learner);
  if (spans.length === 0) return undefined;
  if (spans.length === trace.spans.length) return trace;
  return summarize(trace.traceId, spans, { finished: trace.finished, droppedSpans: trace.droppedSpans });
}

/** Each trace reduced to the learner's own part, the traces without one left out. */
export function ownParts(traces: Trace[], learner: string): Trace[] {
  return traces.flatMap((trace) => ownPart(trace, learner) ?? []);
}

/** The spans of `trace` with this name, optionally only those a given service sent. */
export function spansNamed(trace: Trace, name: string, service?: string): Span[] {
  return trace.spans.filter((span) => span.name === name && (service === undefined || span.serviceName === service));
}

export function serverSpans(trace: Trace, service: string): Span[] {
  return trace.spans.filter((span) => span.kind === 'SERVER' && span.serviceName === service);
}

export function childrenOf(trace: Trace, parent: Span): Span[] {
  return trace.spans.filter((span) => span.parentSpanId === parent.spanId);
}

export function parentOf(trace: Trace, child: Span): Span | undefined {
  return trace.spans.find((span) => span.spanId === child.parentSpanId);
}

/** The services that sent spans of this trace. */
export function servicesOf(trace: Trace): Set<string> {
  return new Set(trace.spans.map((span) => span.serviceName));
}

/** Milliseconds since 1970, precise enough to compare spans of one machine's clock. */
export const startMs = (item: Pick<Span, 'startTimeUnixNano'>): number => Number(BigInt(item.startTimeUnixNano) / 1_000_000n);
export const endMs = (item: Pick<Span, 'endTimeUnixNano'>): number => Number(BigInt(item.endTimeUnixNano) / 1_000_000n);

/** `http://dogs:8080/api/v1/dogs/4` (an HTTP CLIENT span's `url.full`) -> `/api/v1/dogs/4`. */
export function calledPath(client: Span): string | undefined {
  const url = client.attributes['url.full'];
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

const SERVICE_PATH = new RegExp(`^/api/v1/(${SERVICE_NAMES.join('|')})(/|$)`);

/** `/api/v1/dogs/4` -> `dogs`: DogBook's services are named after their path. */
export function serviceOfPath(path: string): string | undefined {
  return SERVICE_PATH.exec(path)?.[1];
}

/**
 * kennels' HTTP calls to inventory and dogs that answered but whose callee's spans are not in this
 * trace: the callee did not continue the trace (its propagation is off). A call that failed is
 * left out: a service that is down sends no spans either, and that is another lesson.
 */
export function uncontinuedCalls(trace: Trace): Span[] {
  return trace.spans.filter(
    (span) =>
      span.serviceName === 'kennels' &&
      span.kind === 'CLIENT' &&
      span.status.code !== 'ERROR' &&
      serviceOfPath(calledPath(span) ?? '') !== undefined &&
      !childrenOf(trace, span).some((child) => child.kind === 'SERVER'),
  );
}

/** The newest first, by the start of their earliest span. */
export function newestFirst(traces: Trace[]): Trace[] {
  return [...traces].sort((a, b) => {
    const difference = BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano);
    return difference > 0n ? 1 : difference < 0n ? -1 : 0;
  });
}
