import { serverSpans, spansNamed, type Trace } from '../traces';
import { hasTraces, type LabCheck } from './check';

/** The trace's root is the SERVER span of `service` for `route`: the request entered DogBook there. */
function entersAt(trace: Trace, service: string, route: string): boolean {
  return serverSpans(trace, service).some((span) => span.parentSpanId === null && span.attributes['http.route'] === route);
}

/** Lab 2, anatomy of a trace: a trace that is one service deep, and one that fans out. */
export const lab2: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const oneDog = traces.find((trace) => entersAt(trace, 'dogs', '/api/v1/dogs/:id'));
    const allKennels = traces.find(
      (trace) => entersAt(trace, 'kennels', '/api/v1/kennels') && spansNamed(trace, 'kennels.fetch_dog_ids').length > 1,
    );
    return [
      hasTraces(context, traces),
      {
        ok: oneDog !== undefined,
        text: 'a trace of yours starts in dogs: one dog, asked for through nginx without kennels',
        hint: 'ask for /api/v1/dogs/4 through the gateway, with your baggage header (step 3)',
      },
      {
        ok: allKennels !== undefined,
        text: 'a trace of yours lists every kennel, each with its dogs',
        hint: 'ask for /api/v1/kennels (no id), with your baggage header (step 4)',
      },
    ];
  },
};
