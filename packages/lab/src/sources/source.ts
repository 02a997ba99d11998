import type { Trace } from '../traces';

/** Where a check reads traces from: the terminal trace viewer, or Tempo through Grafana. */
export interface TraceSource {
  readonly kind: 'viewer' | 'grafana';
  /** For the report: "the trace viewer at http://127.0.0.1:4318". */
  readonly description: string;
  /** Where a person can look at this learner's traces in a browser, when the backend has a page. */
  readonly learnerPage?: (learner: string) => string;
  /** Every learner name its traces carry (`pnpm lab status`). */
  learners(): Promise<string[]>;
  /**
   * Every trace with a span tagged `dogbook.learner = <learner>`, newest first, each holding only
   * the spans so tagged (see ownPart): a check credits a learner with nothing they did not cause.
   */
  learnerTraces(learner: string): Promise<Trace[]>;
  /**
   * Traces that start with a SERVER span of `service` between `fromMs` and `toMs` and carry no
   * learner's name but this learner's, or none: the other half of a learner's request whose trace
   * fell in two (lab 3). Untagged when propagation is off; tagged with the learner's own name when
   * only baggage still travels (`OTEL_PROPAGATORS=baggage`). The window, set by the learner's own
   * trace, is what ties an untagged half to them.
   */
  rootTracesBetween(service: string, fromMs: number, toMs: number, learner: string): Promise<Trace[]>;
}

/** The backend did not answer as expected: the check cannot say anything, so it stops. */
export class SourceError extends Error {
  override name = 'SourceError';
}
