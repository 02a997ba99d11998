import { childrenOf, parentOf, spansNamed, type Span, type Trace } from '../traces';
import { hasTraces, type LabCheck } from './check';

/** The span the lab asks for, by the name the lab gives it. */
export const NEW_SPAN = 'kennels.fetch_dogs';

/** Whether `span` hangs somewhere under `ancestor`, at any depth. */
function isBelow(trace: Trace, span: Span, ancestor: Span): boolean {
  const seen = new Set<string>();
  for (let parent = parentOf(trace, span); parent && !seen.has(parent.spanId); parent = parentOf(trace, parent)) {
    if (parent.spanId === ancestor.spanId) return true;
    seen.add(parent.spanId);
  }
  return false;
}

/**
 * Lab 4, instrument it yourself: a `kennels.fetch_dogs` span around the dog look-ups, made with
 * withSpan. Where it hangs is the point: under kennels' server span, the span active while the route
 * runs, with the three `kennels.fetch_dog` spans now under it, because withSpan makes it the active
 * span.
 */
export const lab4: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    // Newest first: the code as it is now, not as it was three edits ago.
    const trace = traces.find((candidate) => spansNamed(candidate, NEW_SPAN, 'kennels').length > 0);
    const span = trace && spansNamed(trace, NEW_SPAN, 'kennels')[0];
    const parent = trace && span && parentOf(trace, span);
    const dogCalls = trace ? spansNamed(trace, 'kennels.fetch_dog', 'kennels') : [];
    const children = trace && span ? childrenOf(trace, span) : [];
    const count = span?.attributes['dogbook.dog.count'];
    // The lab keeps the inventory call outside the new span: its span must not be a descendant.
    const inventoryCalls = trace ? spansNamed(trace, 'kennels.fetch_dog_ids', 'kennels') : [];
    const inventoryInside = trace && span ? inventoryCalls.filter((call) => isBelow(trace, call, span)) : [];

    return [
      hasTraces(context, traces),
      {
        ok: span !== undefined,
        text: `a trace of yours holds a ${NEW_SPAN} span, sent by kennels`,
        hint:
          'add the span in services/kennels/src/kennel-view.ts (step 2), let it rebuild (pnpm dev does; with Docker: ' +
          'docker compose up --wait --build kennels), then ask for kennel 2 with your baggage header',
      },
      {
        // Any of kennels' routes will do: the list of kennels (`GET /api/v1/kennels`) runs withDogs() too.
        ok: parent?.kind === 'SERVER' && parent.serviceName === 'kennels',
        text: `its parent is kennels' server span, "GET /api/v1/kennels/:id"`,
        hint: span
          ? `its parent is ${parent ? `"${parent.name}"` : 'not in the trace'}: start the span in withDogs(), around the dog look-ups only`
          : 'first make the span (the line above)',
      },
      {
        ok: span !== undefined && inventoryCalls.length > 0 && inventoryInside.length === 0,
        text: `the inventory call stays outside it: kennels.fetch_dog_ids does not hang under ${NEW_SPAN}`,
        hint: span
          ? inventoryCalls.length === 0
            ? 'that trace holds no kennels.fetch_dog_ids span: ask for kennel 2 itself (step 4)'
            : `start ${NEW_SPAN} after \`await neighbours.fetchDogIds(...)\`, around the Promise.all of the dog look-ups only`
          : 'first make the span (the line above)',
      },
      {
        ok: dogCalls.length > 0 && dogCalls.every((call) => call.parentSpanId === span?.spanId),
        text: `every kennels.fetch_dog span of that trace hangs under ${NEW_SPAN}`,
        hint: span
          ? 'call neighbours.fetchDog() inside the function you hand to withSpan, so the new span is active while they start'
          : 'first make the span (the line above)',
      },
      {
        ok: typeof count === 'number' && count === children.filter((child) => child.name === 'kennels.fetch_dog').length && count > 0,
        text: `${NEW_SPAN} carries dogbook.dog.count, the number of dogs it fetched`,
        hint: span
          ? `give withSpan the attribute { 'dogbook.dog.count': dogIds.length } (now: ${count === undefined ? 'missing' : JSON.stringify(count)})`
          : 'first make the span (the line above)',
      },
    ];
  },
};
