import { spansNamed, type Span } from '../traces';
import { hasTraces, type LabCheck } from './check';

/** `dogbook.fault.dogs.4=delay:1500`: a delay on one dog's look-up, the fault lab 5 sends. */
const ONE_DOG_DELAYED = /^dogbook\.fault\.dogs\.\d+=delay:\d+$/;

/**
 * Lab 5, find the slow span: one dog was slowed down, for the learner's requests only, by a
 * command that does not print which. The check asks which dog, and compares the answer with the
 * dog whose look-up the learner's newest slow trace shows delayed.
 */
export const lab5: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    let slow: Span | undefined;
    for (const trace of traces) {
      slow = spansNamed(trace, 'dogs.find_dog', 'dogs').find((span) => ONE_DOG_DELAYED.test(String(span.attributes['dogbook.fault'])));
      if (slow) break;
    }
    const slowDog = slow?.attributes['dogbook.dog.id'];
    const answer = slow ? (await context.answer('Which dog was slow? Its id: '))?.trim() : undefined;

    return [
      hasTraces(context, traces),
      {
        ok: slow !== undefined,
        text: "your traces hold the slowed-down dog's look-up",
        hint: 'run step 1: it asks for every kennel, with one dog slowed down for your requests',
      },
      {
        ok: slow !== undefined && answer !== undefined && answer === String(slowDog),
        text: 'your answer names the dog that was slow',
        hint: !slow
          ? 'first run step 1 (the line above)'
          : answer === undefined || answer === ''
            ? 'give your answer, the dog\'s id: pnpm lab check 5 --answer <id>'
            : `dog ${answer} was not the slow one: find the longest dogs.find_dog span in your newest slow trace, and its dogbook.dog.id`,
      },
    ];
  },
};
