import { setTimeout as sleep } from 'node:timers/promises';
import { newestFirst, ownParts, startMs, type Trace } from '../traces';
import { SourceError, type TraceSource } from './source';

/** The viewer prints a trace once no span has arrived for 1.5 s (its default quiet time); wait a little longer. */
const SETTLE_MS = 4_000;
const REQUEST_TIMEOUT_MS = 2_000;

async function getTraces(url: string): Promise<Trace[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !Array.isArray(body)) {
    throw new SourceError(`${url} answered ${response.status}, not a list of traces: is this the DogBook trace viewer?`);
  }
  return body as Trace[];
}

/**
 * The terminal trace viewer of `pnpm dev` (packages/trace-viewer): its JSON API filters by learner
 * itself. A trace whose spans are still arriving is waited for, so a check run right after a
 * request sees the whole trace.
 */
export function viewerSource(baseUrl: string): TraceSource {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    kind: 'viewer',
    description: `the trace viewer at ${base}`,
    learnerPage: (learner) => `${base}/?learner=${encodeURIComponent(learner)}`,
    async learners() {
      const url = `${base}/api/learners`;
      const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok || !Array.isArray(body)) throw new SourceError(`${url} answered ${response.status}, not a list of learner names`);
      return body.filter((name): name is string => typeof name === 'string');
    },
    async learnerTraces(learner) {
      const url = `${base}/api/traces?learner=${encodeURIComponent(learner)}`;
      const deadline = Date.now() + SETTLE_MS;
      let traces = await getTraces(url);
      while (traces.some((trace) => !trace.finished) && Date.now() < deadline) {
        await sleep(250);
        traces = await getTraces(url);
      }
      return newestFirst(ownParts(traces, learner));
    },
    async rootTracesBetween(service, fromMs, toMs, learner) {
      // The viewer picks the traces itself: it may hold thousands.
      const window = `rootService=${encodeURIComponent(service)}&from=${Math.max(0, Math.floor(fromMs))}&to=${Math.ceil(toMs)}`;
      const traces = await getTraces(`${base}/api/traces?${window}`);
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

/** Whether the trace viewer answers at `baseUrl`: the check prefers it when it does. */
export async function viewerAnswers(baseUrl: string): Promise<boolean> {
  try {
    await getTraces(`${baseUrl.replace(/\/+$/, '')}/api/traces?learner=probe`);
    return true;
  } catch {
    return false;
  }
}
