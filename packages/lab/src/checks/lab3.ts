import { calledPath, childrenOf, endMs, serverSpans, serviceOfPath, startMs, uncontinuedCalls, type Span, type Trace } from '../traces';
import type { TraceSource } from '../sources/source';
import { hasTraces, type LabCheck } from './check';

/** kennels' server span names a parent that is not in the trace: the caller's own span (curl's). */
function continuesCallersTrace(trace: Trace): boolean {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return serverSpans(trace, 'kennels').some((span) => span.parentSpanId !== null && !ids.has(span.parentSpanId));
}

/** kennels called its neighbours, and every call was continued by the service it called, dogs included. */
function wholeAgain(trace: Trace): boolean {
  const calls = trace.spans.filter((span) => span.serviceName === 'kennels' && span.kind === 'CLIENT');
  return (
    calls.length > 0 &&
    serverSpans(trace, 'dogs').length > 0 &&
    calls.every((call) => childrenOf(trace, call).some((child) => child.kind === 'SERVER'))
  );
}

/**
 * The callee's half of a call whose trace fell in two: a trace of its own in the called service,
 * rooted in a SERVER span for the same path, that started while kennels was waiting for the answer.
 * It carries no learner name when propagation is off, or the learner's own when only baggage still
 * travels (the lab's question 4); never another learner's. That time window, set by the learner's
 * own client span, is what ties it to the learner.
 */
async function otherHalf(source: TraceSource, learner: string, call: Span): Promise<Trace | undefined> {
  const path = calledPath(call);
  const service = serviceOfPath(path ?? '');
  if (!path || !service) return undefined;
  // A little slack either side: two processes read the same clock, but round their times apart.
  const candidates = await source.rootTracesBetween(service, startMs(call) - 20, endMs(call) + 20, learner);
  return candidates.find((trace) =>
    serverSpans(trace, service).some(
      (span) => span.parentSpanId === null && span.attributes['url.path'] === path && endMs(span) <= endMs(call) + 20,
    ),
  );
}

/** kennels' calls to dogs that dogs did not continue: the service this lab switches propagation off in. */
const uncontinuedDogCalls = (trace: Trace): Span[] =>
  uncontinuedCalls(trace).filter((call) => serviceOfPath(calledPath(call) ?? '') === 'dogs');

/** Each broken request costs a look-up of the other half: enough for the lab and its experiments. */
const MAX_BROKEN_LOOKED_AT = 10;

/** Lab 3, propagation: continue a trace you started, break propagation in one service, restore it. */
export const lab3: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const continued = traces.find(continuesCallersTrace);
    // Newest first: the requests whose trace fell in two, each with its other half if found. Any
    // of them will do, so that the lab's own experiments afterwards (question 4) take nothing away.
    const brokenTraces = traces.filter((trace) => uncontinuedDogCalls(trace).length > 0);
    const found: { broken: Trace; half: Trace }[] = [];
    for (const trace of brokenTraces.slice(0, MAX_BROKEN_LOOKED_AT)) {
      for (const call of uncontinuedDogCalls(trace)) {
        const half = await otherHalf(context.source, context.learner, call);
        if (half) {
          found.push({ broken: trace, half });
          break;
        }
      }
    }
    const broken = found[0]?.broken ?? brokenTraces[0];
    const halves = found[0]?.half;
    // Restored after the first break whose halves were found: a later experiment does not undo it.
    const since = found.at(-1)?.broken ?? broken;
    const restored =
      since && traces.find((trace) => BigInt(trace.startTimeUnixNano) > BigInt(since.startTimeUnixNano) && wholeAgain(trace));

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
        text: "that request's other half: a trace of its own in dogs, started during kennels' call",
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
