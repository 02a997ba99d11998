import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What became of a learner's one answer to a riddle. */
export type Answered =
  | { kind: 'none' }
  | { kind: 'right'; answer: string }
  | { kind: 'wrong'; answer: string }
  /** A wrong answer was given for this riddle before: no answer counts for it any more. */
  | { kind: 'spent'; answer: string | undefined };

/** `$XDG_STATE_HOME/dogbook/lab-answers.json`, by default under ~/.local/state. */
export function answersFile(env: NodeJS.ProcessEnv = process.env): string {
  const stateHome = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(stateHome, 'dogbook', 'lab-answers.json');
}

/** learner -> lab -> the riddles (trace ids) answered wrongly. */
type Spent = Record<string, Record<string, string[]>>;

function readSpent(file: string): Spent {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Spent;
  } catch {
    return {};
  }
}

/**
 * One answer per riddle, for the labs whose question has few possible answers (lab 5: six dogs).
 * A riddle is one trace of the learner's; a wrong answer spends it, and is written down on this
 * machine, so trying every answer in turn passes nothing: a new riddle needs a new trace, made by
 * the lab's step again. The right answer is never written down: checking again asks again.
 */
export function answerOnce(
  file: string,
  learner: string,
  lab: number,
  ask: (question: string) => Promise<string | undefined>,
): (question: string, riddle: string, isRight: (answer: string) => boolean) => Promise<Answered> {
  return async (question, riddle, isRight) => {
    const spent = readSpent(file);
    const wasSpent = spent[learner]?.[lab]?.includes(riddle) ?? false;
    const answer = (await ask(question))?.trim();
    if (wasSpent) return { kind: 'spent', answer: answer || undefined };
    if (answer === undefined || answer === '') return { kind: 'none' };
    if (isRight(answer)) return { kind: 'right', answer };
    spent[learner] ??= {};
    spent[learner][lab] ??= [];
    spent[learner][lab].push(riddle);
    mkdirSync(dirname(file), { recursive: true });
    // Written whole, then renamed: two checks at once never leave half a file.
    writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(spent)}\n`);
    renameSync(`${file}.${process.pid}`, file);
    return { kind: 'wrong', answer };
  };
}
