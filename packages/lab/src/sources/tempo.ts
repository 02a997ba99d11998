import type { Grafana } from '../grafana';
import { newestFirst, ownParts, startMs, type Trace } from '../traces';
import { SourceError, type TraceSource } from './source';
import { traceFromTempo } from './tempo-json';

/** A workshop lasts two hours; six cover a long day without reaching into yesterday's. */
const SEARCH_WINDOW_S = 6 * 3600;
const MAX_TRACES = 100;
/** Trace look-ups in flight at once: quick, without flooding a laptop's Tempo. */
const PARALLEL_LOOKUPS = 6;

interface TagValues {
  tagValues?: { type?: string; value?: unknown }[];
}

interface SearchAnswer {
  traces?: { traceID?: string }[];
}

async function mapInBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += size) {
    results.push(...(await Promise.all(items.slice(index, index + size).map(work))));
  }
  return results;
}

/**
 * Tempo, through Grafana: a TraceQL search for the trace ids, then each trace by id. Tempo's
 * search leaves out the last 30 seconds (its query_end_cutoff), so a request sent just now is found
 * half a minute later; the checks' hints say so.
 */
export function tempoSource(grafana: Grafana): TraceSource {
  const search = async (traceql: string, startS: number, endS: number): Promise<Trace[]> => {
    const answer = (await grafana.get('tempo', '/api/search', {
      q: traceql,
      start: startS,
      end: endS,
      limit: MAX_TRACES,
    })) as SearchAnswer;
    if (!answer || !Array.isArray(answer.traces)) throw new SourceError(`Tempo's search answered without a trace list`);
    // Tempo drops leading zeros from the ids it lists.
    const ids = answer.traces.flatMap((trace) => (trace.traceID ? [trace.traceID.padStart(32, '0')] : []));
    const traces = await mapInBatches(ids, PARALLEL_LOOKUPS, async (id) => traceFromTempo(await grafana.get('tempo', `/api/traces/${id}`)));
    return newestFirst(traces.filter((trace): trace is Trace => trace !== undefined));
  };

  return {
    kind: 'grafana',
    description: `Tempo through Grafana at ${grafana.baseUrl}`,
    async learners() {
      // Tempo's tag values API (v2): every value of the span attribute within the search window.
      const now = Math.ceil(Date.now() / 1000);
      const answer = (await grafana.get('tempo', '/api/v2/search/tag/span.dogbook.learner/values', {
        start: now - SEARCH_WINDOW_S,
        end: now,
      })) as TagValues;
      return (answer?.tagValues ?? []).flatMap((tag) => (typeof tag.value === 'string' ? [tag.value] : []));
    },
    async learnerTraces(learner) {
      const now = Math.ceil(Date.now() / 1000);
      // The name was checked against [A-Za-z0-9_-] before it gets here: nothing to escape.
      const traces = await search(`{ span.dogbook.learner = "${learner}" }`, now - SEARCH_WINDOW_S, now);
      return newestFirst(ownParts(traces, learner));
    },
    async rootTracesBetween(service, fromMs, toMs, learner) {
      const traces = await search(`{ trace:rootService = "${service}" }`, Math.floor(fromMs / 1000) - 1, Math.ceil(toMs / 1000) + 1);
      return traces.filter(
        (trace) =>
          trace.learners.every((name) => name === learner) &&
          trace.rootServiceName === service &&
          startMs(trace) >= fromMs &&
          startMs(trace) <= toMs,
      );
    },
  };
}
