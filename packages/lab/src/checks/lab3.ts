import {
  calledPath,
  childrenOf,
  endMs,
  serverSpans,
  serviceOfPath,
  startMs,
  uncontinuedCalls,
  type Span,
  type Trace,
} from '../traces';
import type { TraceSource } from '../sources/source';
import { hasTraces, type LabCheck } from './check';

/** kennels' server span names a parent that is not in the trace: the caller's own span (curl's). */
function continuesCallersTrace(trace: Trace): boolean {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return serverSpans(trace, 'kennels').some((span) => span.parentSpanId !== null && !ids.has(span.parentSpanId));
}

/** Every call kennels made was continued by the service it called, dogs included. */
function wholeAgain(trace: Trace): boolean {
  const calls = trace.spans.filter((span) => span.serviceName === 'kennels' && span.kind === 'CLIENT');
  return (
    serverSpans(trace, 'dogs').length > 0 &&
    calls.every((call) => childrenOf(trace, call).some((child) => child.kind === 'SERVER'))
  );
}

/**
 * The callee's half of a call whose trace fell in two: a trace of its own in the called service,
 * rooted in a SERVER span for the same path, that started while kennels was waiting for the answer,
 * and that carries no learner name, because the baggage stopped where the trace context did.
 * That time window, set by the learner's own client span, is what ties it to the learner.
 */
async function otherHalf(source: TraceSource, call: Span): Promise<Trace | undefined> {
  const path = calledPath(call);
  const service = serviceOfPath(path ?? '');
  if (!path || !service) return undefined;
  // A little slack either side: two processes read the same clock, but round their times apart.
  const candidates = await source.untaggedRootTraces(service, startMs(call) - 20, endMs(call) + 20);
  return candidates.find((trace) =>
    serverSpans(trace, service).some(
      (span) => span.parentSpanId === null && span.attributes['url.path'] === path && endMs(span) <= endMs(call) + 20,
    ),
  );
}

/** kennels' calls to dogs that dogs did not continue: the service this lab switches propagation off in. */
const uncontinuedDogCalls = (trace: Trace): Span[] =>
  uncontinuedCalls(trace).filter((call) => serviceOfPath(calledPath(call) ?? '') === 'dogs');

/** Lab 3, propagation: continue a trace you started, break propagation in one service, restore it. */
export const lab3: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const continued = traces.find(continuesCallersTrace);
    // Newest first: the latest request whose trace fell in two, and its calls that nobody continued.
    const broken = traces.find((trace) => uncontinuedDogCalls(trace).length > 0);
    let halves: Trace | undefined;
    for (const call of broken ? uncontinuedDogCalls(broken) : []) {
      halves = await otherHalf(context.source, call);
      if (halves) break;
    }
    const restored = broken && traces.find((trace) => BigInt(trace.startTimeUnixNano) > BigInt(broken.startTimeUnixNano) && wholeAgain(trace));

    return [
      hasTraces(context, traces),
      {
        ok: continued !== undefined,
        text: 'a trace of yours continues a traceparent you sent: kennels hangs its span under your own',
        hint: 'send step 1\'s request, with a "traceparent: 00-<32 hex>-<16 hex>-01" header next to your baggage',
      },
      {
        ok: broken !== undefined,
        text: 'a request of yours where kennels called dogs, and dogs did not continue the trace',
        hint:
          'switch propagation off in dogs (step 3: OTEL_PROPAGATORS=none), wait until dogs has restarted, ' +
          'then ask for kennel 2 again with your baggage header',
      },
      {
        ok: halves !== undefined,
        text: "that request's other half: a trace of its own in dogs, started during kennels' call, without your learner name",
        hint: broken
          ? `look for it in ${context.source.description}: it starts with "dogs: GET /api/v1/dogs/:id"; ` +
            (context.source.kind === 'grafana' ? 'Tempo lists it 30 seconds after it ended' : 'was the viewer restarted since?')
          : 'first break propagation (the line above)',
      },
      {
        ok: Boolean(restored),
        text: 'after that, a newer trace of yours spans kennels, inventory and dogs again',
        hint: 'restore propagation in dogs (step 5), wait until it has restarted, and ask for kennel 2 once more',
      },
    ];
  },
};
