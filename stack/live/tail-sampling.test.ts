import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, TAIL_SAMPLING_COMPOSE } from '../src/compose';
import { type Answer, eventually, fetchTrace, inBatches, promQuery, requestKennel, stackAddresses, stackState } from './support';

const addresses = stackAddresses();
if (!stackState().composeFiles.includes(TAIL_SAMPLING_COMPOSE)) {
  throw new Error(`this file needs a stack with tail sampling: DOGBOOK_SAMPLING=tail pnpm stack:up (pnpm stack:test does it)`);
}

type Policy = { name: string; type: string; latency?: { threshold_ms: number }; probabilistic?: { sampling_percentage: number } };
const { processors } = parse(readFileSync(join(REPO_ROOT, 'otel-tail-sampling.yaml'), 'utf8')) as {
  processors: { tail_sampling: { decision_wait: string; policies: Policy[] } };
};
const policies = processors.tail_sampling.policies;
const share = policies.find((p) => p.type === 'probabilistic')!.probabilistic!.sampling_percentage / 100;
const thresholdMs = policies.find((p) => p.type === 'latency')!.latency!.threshold_ms;

const PLAIN = 300;
const FAILED = 20;
const SLOW = 10;
/** Requests in flight at once: the machine's two cores stay with the services. */
const CONCURRENCY = 10;

/**
 * How many of PLAIN kept traces still count as "about the share": five standard deviations of the
 * binomial either side of its mean, so a correct sampler fails this about once in two million runs.
 */
const mean = PLAIN * share;
const spread = 5 * Math.sqrt(PLAIN * share * (1 - share));
const bounds = [Math.max(1, Math.floor(mean - spread)), Math.ceil(mean + spread)] as const;

let plain: Answer[];
let failed: Answer[];
let slow: Answer[];

const held = async (answers: Answer[]) =>
  (await Promise.all(answers.map(async (a) => ((await fetchTrace(addresses, a.traceId)) ? a : undefined)))).filter((a) => a !== undefined);

beforeAll(async () => {
  plain = await inBatches([...Array(PLAIN).keys()], CONCURRENCY, () => requestKennel(addresses.gateway));
  failed = await inBatches([...Array(FAILED).keys()], CONCURRENCY, () =>
    requestKennel(addresses.gateway, { baggage: 'dogbook.fault.inventory=error' }),
  );
  // Every dogs look-up of the request waits this long: the trace is slower than the threshold.
  slow = await inBatches([...Array(SLOW).keys()], CONCURRENCY, () =>
    requestKennel(addresses.gateway, { baggage: `dogbook.fault.dogs=delay:${thresholdMs + 200}` }),
  );
}, 180_000);

describe(`the collector with otel-tail-sampling.yaml (every error, every trace over ${thresholdMs} ms, ${share * 100}% of the rest)`, () => {
  test('when requests fail or are slow, then every one of their traces is kept, whole', async () => {
    expect(failed.map((a) => a.status)).toEqual(Array(FAILED).fill(502));
    expect(slow.map((a) => a.status)).toEqual(Array(SLOW).fill(200));
    // Decided decision_wait after each trace's first span: the deadline leaves room for it.
    await eventually(async () => expect((await held([...failed, ...slow])).length).toBe(FAILED + SLOW), 90_000);
    // A failed inventory ends the request before any dog is looked up.
    const services = (answer: Answer) => (answer.status === 502 ? ['inventory', 'kennels'] : ['dogs', 'inventory', 'kennels']);
    for (const answer of [...failed, ...slow]) {
      const trace = (await fetchTrace(addresses, answer.traceId))!;
      expect([...new Set(trace.spans.map((s) => s.serviceName))].sort(), answer.traceId).toEqual(services(answer));
    }
  }, 120_000);

  test(`when ${PLAIN} plain requests are sent, then about ${share * 100}% of their traces are kept (${bounds[0]} to ${bounds[1]})`, async () => {
    expect(plain.every((a) => a.status === 200)).toBe(true);
    // They were sent before the failing and slow ones, so were decided before them: once those are
    // all in (the test above), every plain trace the sampler kept has arrived.
    await eventually(async () => expect((await held([...failed, ...slow])).length).toBe(FAILED + SLOW), 90_000);
    const kept = (await held(plain)).length;
    console.log(`tail sampling kept ${kept} of ${PLAIN} plain traces (${share * 100}% would be ${mean})`);
    expect(kept).toBeGreaterThanOrEqual(bounds[0]);
    expect(kept).toBeLessThanOrEqual(bounds[1]);
  }, 120_000);

  test('when traces are sampled, then the span metrics still count every request', async () => {
    const total = PLAIN + FAILED + SLOW;
    // The collector started with this stack: its counter of kennel requests holds this file's alone.
    await eventually(async () => {
      const [series] = await promQuery(
        addresses.prometheus,
        'sum(traces_span_metrics_calls_total{service_name="kennels", span_name="GET /api/v1/kennels/:id"})',
      );
      expect(Number(series?.value[1])).toBe(total);
    }, 60_000);
  }, 90_000);
});
