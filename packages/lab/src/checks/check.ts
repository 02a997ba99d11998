import type { Answered } from '../answers';
import type { Grafana } from '../grafana';
import type { TraceSource } from '../sources/source';

/** One thing a lab asks for, and whether the learner's traces show it. */
export interface Criterion {
  ok: boolean;
  /** What must hold, stated as a fact about the learner's work: "a trace of yours asks for kennel 2". */
  text: string;
  /** What to do when it does not hold. Printed after ✗ only. */
  hint: string;
}

export interface CheckContext {
  /** The learner whose traces are read; never anybody else's. */
  learner: string;
  source: TraceSource;
  /** Grafana itself, for the labs that read Prometheus or Loki as well (Docker only). */
  grafana: Grafana | undefined;
  /** The learner's answer to a lab's question: `--answer`, or typed at the prompt on a terminal. */
  answer(question: string): Promise<string | undefined>;
  /**
   * For a question with few possible answers: the learner's one answer to `riddle` (an id of the
   * trace the question is about). A wrong answer spends the riddle, so trying every answer does
   * not pass; the learner makes a new riddle by doing the lab's step again.
   */
  answerOnce(question: string, riddle: string, isRight: (answer: string) => boolean): Promise<Answered>;
}

export interface LabCheck {
  /** Labs 7 and 8 read metrics and logs: only the Docker stack has them. */
  dockerOnly?: boolean;
  run(context: CheckContext): Promise<Criterion[]>;
}

/** The first criterion of most labs: the learner has traces in the backend at all. */
export function hasTraces(context: CheckContext, traces: readonly unknown[]): Criterion {
  return {
    ok: traces.length > 0,
    text: `traces of yours (dogbook.learner = ${context.learner}) are in ${context.source.description}`,
    hint: noTracesHint(context),
  };
}

/** The hint for "no trace of yours": the causes differ between the two backends. */
export function noTracesHint(context: CheckContext): string {
  const name = `dogbook.learner=${context.learner}`;
  if (context.source.kind === 'viewer') {
    return (
      `send the lab's request with the header "baggage: ${name}" (is DOGBOOK_LEARNER set to ${context.learner} in the ` +
      'terminal you sent it from?); the viewer forgets everything when pnpm dev restarts'
    );
  }
  return `send the lab's request with the header "baggage: ${name}", then wait 30 seconds: Tempo's search leaves out the last half minute`;
}
