import { serverSpans, spansNamed, type Trace } from '../traces';
import { hasTraces, type LabCheck } from './check';

/** What kennels answered the caller, as its server span recorded it. */
const kennelsAnswered = (trace: Trace, status: number): boolean =>
  serverSpans(trace, 'kennels').some((span) => span.attributes['http.response.status_code'] === status);

const injected = (trace: Trace, name: string, service: string): boolean =>
  spansNamed(trace, name, service).some((span) => span.status.code === 'ERROR' && span.attributes['dogbook.fault'] !== undefined);

/** Lab 6, errors and partial failure: a failed dog inside a 200, and a failed inventory behind a 502. */
export const lab6: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const partial = traces.find((trace) => injected(trace, 'dogs.find_dog', 'dogs') && kennelsAnswered(trace, 200));
    const failed = traces.find((trace) => injected(trace, 'inventory.find_dog_ids', 'inventory') && kennelsAnswered(trace, 502));
    return [
      hasTraces(context, traces),
      {
        ok: partial !== undefined,
        text: "a request of yours where one dog's look-up failed and kennels still answered 200",
        hint: 'send step 1\'s request: baggage "dogbook.learner=<you>,dogbook.fault.dogs.4=error", to kennel 2',
      },
      {
        ok: failed !== undefined,
        text: 'a request of yours where inventory failed and kennels answered 502',
        hint: 'send step 4\'s request: baggage "dogbook.learner=<you>,dogbook.fault.inventory=error", to kennel 2',
      },
    ];
  },
};
