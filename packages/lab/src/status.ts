import { CHECKS, type CheckContext } from './checks';
import type { Grafana } from './grafana';
import type { Lab } from './labs';
import { SourceError, type TraceSource } from './sources/source';
import { LEARNER_NAME } from '@dogbook/tracing';
import type { Trace } from './traces';

/** Reads each learner's traces once per status, however many labs ask for them. */
function remembering(source: TraceSource): TraceSource {
  const traces = new Map<string, Promise<Trace[]>>();
  return {
    kind: source.kind,
    description: source.description,
    learners: () => source.learners(),
    learnerTraces(learner) {
      if (!traces.has(learner)) traces.set(learner, source.learnerTraces(learner));
      return traces.get(learner)!;
    },
    rootTracesBetween: (...args) => source.rootTracesBetween(...args),
  };
}

/**
 * Every learner seen in the backend, and for each lab how many of its criteria hold: the same
 * checks `pnpm lab check` runs, read from the same traces. No answer is given, and none is written
 * down: a lab that asks a question (5, 7, 8) shows all but its last criterion at most.
 */
export async function roomStatus(labs: Lab[], source: TraceSource, grafana: Grafana | undefined) {
  const cached = remembering(source);
  // Only names the services accept: they are printed, and nothing else ever tagged a span.
  const learners = (await source.learners()).filter((name) => LEARNER_NAME.test(name)).sort();
  const rows: { learner: string; cells: string[] }[] = [];
  for (const learner of learners) {
    const cells: string[] = [];
    for (const lab of labs) {
      const check = CHECKS.get(lab.number);
      if (!check || (check.dockerOnly && !grafana)) {
        cells.push('-');
        continue;
      }
      const context: CheckContext = {
        learner,
        source: cached,
        grafana,
        answer: async () => undefined,
        answerOnce: async () => ({ kind: 'none' }),
      };
      try {
        const criteria = await check.run(context);
        const held = criteria.filter((criterion) => criterion.ok).length;
        cells.push(held === criteria.length ? '✓' : `${held}/${criteria.length}`);
      } catch (error) {
        // One backend question that failed (Prometheus down, say) leaves a gap, not the whole room.
        if (!(error instanceof SourceError)) throw error;
        cells.push('?');
      }
    }
    rows.push({ learner, cells });
  }
  return rows;
}

/** The status as a table: a row per learner, a column per lab. */
export function formatStatus(labs: Lab[], rows: { learner: string; cells: string[] }[], description: string): string {
  const width = Math.max(7, ...rows.map((row) => row.learner.length));
  const cell = (text: string) => text.padStart(5);
  const lines = [
    `The room, read from ${description}: for each lab, ✓ when every criterion holds, else how many do.`,
    '',
    `${'learner'.padEnd(width)}${labs.map((lab) => cell(`lab${lab.number}`)).join('')}`,
    ...rows.map((row) => `${row.learner.padEnd(width)}${row.cells.map(cell).join('')}`),
    '',
    rows.length === 0
      ? 'No learner seen yet: their requests carry "baggage: dogbook.learner=<name>".'
      : `${rows.length} learners. Labs 5, 7 and 8 ask a question, which only the learner answers: here they show at most all but one.` +
        ' "-": needs the Docker stack (Grafana); "?": the backend did not answer for it.',
  ];
  return `${lines.join('\n')}\n`;
}
