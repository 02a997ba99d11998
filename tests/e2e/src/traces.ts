import { vi } from 'vitest';
import type { Span, Trace, TraceViewer } from '@dogbook/trace-viewer';

/** `00-<trace id>-<span id>-<flags>` -> the trace id. */
export function traceIdOf(traceresponse: string | null): string {
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceresponse ?? '');
  if (!match) throw new Error(`not a traceresponse header: ${traceresponse}`);
  return match[1]!;
}

export function spansOf(trace: Trace, filter: { service?: string; name?: string; kind?: Span['kind'] }): Span[] {
  return trace.spans.filter(
    (span) =>
      (filter.service === undefined || span.serviceName === filter.service) &&
      (filter.name === undefined || span.name === filter.name) &&
      (filter.kind === undefined || span.kind === filter.kind),
  );
}

function describe(trace: Trace | undefined): string {
  if (!trace) return 'no span of this trace arrived';
  return trace.spans.map((span) => `${span.serviceName} ${span.kind} ${span.name} ${span.status.code}`).join('\n');
}

/**
 * Polls the receiver until the trace satisfies `complete`: spans arrive in batches, from several
 * processes, a little after the response. Fails with what did arrive, so a red test says what is missing.
 */
export async function waitForTrace(
  viewer: TraceViewer,
  traceId: string,
  complete: (trace: Trace) => boolean,
  timeoutMs = 15_000,
): Promise<Trace> {
  return vi.waitFor(
    () => {
      const trace = viewer.trace(traceId);
      if (!trace || !complete(trace)) throw new Error(`trace ${traceId} incomplete; it holds:\n${describe(trace)}`);
      return trace;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Every span's parent is in the trace, and exactly one span has no parent. */
export function brokenParentLinks(trace: Trace): string[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const problems = trace.spans
    .filter((span) => span.parentSpanId !== null && !ids.has(span.parentSpanId))
    .map((span) => `${span.serviceName} ${span.name}: parent ${span.parentSpanId} is not in the trace`);
  const roots = trace.spans.filter((span) => span.parentSpanId === null);
  if (roots.length !== 1) problems.push(`${roots.length} root spans`);
  return problems;
}
