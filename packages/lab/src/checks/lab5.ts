import { spansNamed, type Span, type Trace } from '../traces';
import type { Answered } from '../answers';
import { hasTraces, type LabCheck } from './check';

/** `dogbook.fault.dogs.4=delay:1500`: a delay on one dog's look-up, the fault lab 5 sends. */
const ONE_DOG_DELAYED = /^dogbook\.fault\.dogs\.\d+=delay:\d+$/;

/**
 * Lab 5, find the slow span: one dog was slowed down, for the learner's requests only, by a
 * command that does not print which. The check asks which dog, and compares the answer with the
 * dog whose look-up the learner's newest slow trace shows delayed. That trace is the riddle, and it
 * takes one answer: after a wrong one, only a new slow trace (step 1 again) can be answered.
 */
export const lab5: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    let slow: Span | undefined;
    let riddle: Trace | undefined;
    for (const trace of traces) {
      slow = spansNamed(trace, 'dogs.find_dog', 'dogs').find((span) => ONE_DOG_DELAYED.test(String(span.attributes['dogbook.fault'])));
      riddle = trace;
      if (slow) break;
    }
    const slowDog = String(slow?.attributes['dogbook.dog.id']);
    const answered: Answered =
      slow && riddle
        ? await context.answerOnce('Which dog was slow? Its id: ', riddle.traceId, (answer) => answer === slowDog)
        : { kind: 'none' };

    return [
      hasTraces(context, traces),
      {
        ok: slow !== undefined,
        text: "your traces hold the slowed-down dog's look-up",
        hint: 'run step 1: it asks for every kennel, with one dog slowed down for your requests',
      },
      {
        ok: answered.kind === 'right',
        text: 'your answer names the dog that was slow',
        hint: !slow
          ? 'first run step 1 (the line above)'
          : answered.kind === 'spent'
            ? `you answered wrongly for your newest slow request (trace ${riddle!.traceId}) before, and it takes one answer: ` +
              'run step 1 again for a new riddle, then answer for that one'
            : answered.kind === 'wrong'
              ? `dog ${answered.answer} was not the slow one, and this riddle is spent: each slow request takes one answer. ` +
                'Run step 1 again, then find the longest dogs.find_dog span in your newest slow trace, and its dogbook.dog.id'
              : "give your answer, the dog's id: pnpm lab check 5 --answer <id>",
      },
    ];
  },
};
