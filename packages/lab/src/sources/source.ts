import type { Trace } from '../traces';

/** Where a check reads traces from: the terminal trace viewer, or Tempo through Grafana. */
export interface TraceSource {
  readonly kind: 'viewer' | 'grafana';
  /** For the report: "the trace viewer at http://127.0.0.1:4318". */
  readonly description: string;
  /** Every trace with a span tagged `dogbook.learner = <learner>`, newest first. */
  learnerTraces(learner: string): Promise<Trace[]>;
  /**
   * Traces that carry no learner tag at all and start with a SERVER span of `service` between
   * `fromMs` and `toMs`: the other half of a learner's request whose trace fell in two (lab 3).
   * No learner's traces are read here, only untagged ones in a window the learner's own trace sets.
   */
  untaggedRootTraces(service: string, fromMs: number, toMs: number): Promise<Trace[]>;
}

/** The backend did not answer as expected: the check cannot say anything, so it stops. */
export class SourceError extends Error {
  override name = 'SourceError';
}
