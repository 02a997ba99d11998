import { spansNamed } from '../traces';
import { noTracesHint, type LabCheck } from './check';

/** Lab 1, your first trace: done as soon as your own request for kennel 2 is in the backend. */
export const lab1: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const kennel2 = traces.find((trace) =>
      spansNamed(trace, 'kennels.find_kennel', 'kennels').some((span) => span.attributes['dogbook.kennel.id'] === 2),
    );
    return [
      {
        ok: traces.length > 0,
        text: `a trace of yours (dogbook.learner = ${context.learner}) is in ${context.source.description}`,
        hint: noTracesHint(context),
      },
      {
        ok: kennel2 !== undefined,
        text: 'one of your traces asked kennels for kennel 2',
        hint: 'ask for /api/v1/kennels/2, as in step 1, with your baggage header',
      },
    ];
  },
};
