import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Span, Trace } from '@dogbook/trace-viewer';
import type { AccessLogEntry } from '../src/access-log';
import { readSummary, type SummaryCounts } from '@dogbook/load/report';
import { runLoadGenerator, type GeneratorExit } from '../src/load-generator';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';

const RPS = 10;
const DURATION_S = 6;
/** A fifth of the requests faulted, so that each of the four fault kinds is sent three times. */
const FAULTS = 0.2;

const isLoads = (span: Span) => span.attributes['dogbook.learner'] === 'load';
const pathOf = (entry: AccessLogEntry) => String(entry.request).split(' ')[1]!;
const faultSpans = (traces: Trace[], name: string, directive: RegExp) =>
  traces.flatMap((trace) => trace.spans).filter((span) => span.name === name && directive.test(String(span.attributes['dogbook.fault'])));

describe.skipIf(!nginxIsAvailable('the load generator test (load.test.ts) is skipped'))('pnpm load, through the gateway', () => {
  let stack: Stack;
  let run: GeneratorExit;
  /** What the generator says it sent, read from its summary. */
  let summary: SummaryCounts;
  beforeAll(async () => {
    stack = await startStack({ gateway: true });
    run = await runLoadGenerator({
      DOGBOOK_URL: stack.entry,
      LOAD_RPS: String(RPS),
      LOAD_DURATION_S: String(DURATION_S),
      LOAD_FAULTS: String(FAULTS),
    });
    summary = readSummary(run.stdout);
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
  });

  /** nginx's lines for the generator's requests, once there is one for each request it sent. */
  const generatorEntries = () =>
    vi.waitFor(
      () => {
        const entries = stack
          .gateway!.accessLog()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AccessLogEntry)
          .filter((entry) => entry.user_agent === 'dogbook-load');
        if (entries.length < summary.sent) throw new Error(`${entries.length} of ${summary.sent} requests in the access log`);
        return entries;
      },
      { timeout: 15_000, interval: 100 },
    );

  /** The traces of the generator's requests, once every one has arrived with its slowest span. */
  const generatorTraces = () =>
    vi.waitFor(
      () => {
        const traces = stack.viewer!.traces().filter((trace) => trace.spans.some(isLoads));
        const slow = faultSpans(traces, 'dogs.find_dog', /=delay:3000$/).length;
        if (traces.length < summary.sent || slow < summary.faults['slow dog']!) {
          throw new Error(`${traces.length} of ${summary.sent} traces, ${slow} slow dogs so far`);
        }
        return traces;
      },
      { timeout: 15_000, interval: 100 },
    );

  test(`when it runs for ${DURATION_S} s at ${RPS} requests/s, then it exits 0 by itself, with a progress line and its summary`, () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^ +0:05 {2}sent \d+ \(\d+\.\d\/s\) {2}answers (\d{3}×\d+ ?)+ {2}p50 \d+ ms {2}p95 \d+ ms$/m);
    // How closely a busy machine keeps to the rate is a timing claim, not something a test can promise.
    expect(run.stdout).toMatch(/^dogbook-load: done after \d+\.\d s$/m);
    expect(summary.sent).toBeGreaterThan(0);
  });

  test('when its requests pass nginx, then each one is in the access log, and every kind of request gets the answer it asks for', async () => {
    const entries = await generatorEntries();

    expect(entries).toHaveLength(summary.sent);
    const paths = new Set(entries.map(pathOf));
    for (const path of [
      '/api/v1/kennels',
      '/api/v1/kennels/2',
      '/api/v1/kennels?id=2',
      '/api/v1/dogs',
      '/api/v1/dogs/4',
      '/api/v1/inventory',
      '/api/v1/inventory/1',
    ]) {
      expect(paths, path).toContain(path);
    }
    // What each request asks for, or 499: still open when the generator stopped, so the client went away.
    const unanswered = Number(/, (\d+) unanswered when it stopped$/m.exec(run.stdout)?.[1] ?? 0);
    const promised = (path: string) => {
      if (path.endsWith('/99')) return [404];
      if (/\/(rex|-1|2\.5)$/.test(path)) return [400];
      // A kennel with a failing inventory is a 502.
      if (/^\/api\/v1\/kennels\/\d$/.test(path)) return [200, 502];
      return [200];
    };
    const broken = entries.filter((entry) => ![...promised(pathOf(entry)), 499].includes(entry.status as number));
    expect(broken).toEqual([]);
    const statuses = entries.map((entry) => entry.status);
    expect(statuses).toContain(404);
    expect(statuses).toContain(400);
    const cutOff = statuses.filter((status) => status === 499).length;
    expect(cutOff).toBeLessThanOrEqual(unanswered);
    const failingInventory = summary.faults['failing inventory']!;
    const failed = statuses.filter((status) => status === 502).length;
    expect(failed).toBeLessThanOrEqual(failingInventory);
    expect(failed).toBeGreaterThanOrEqual(Math.max(1, failingInventory - cutOff));
  });

  test(`when the services trace its requests, then each is a trace tagged dogbook.learner=load on every span, started at a steady ${RPS}/s`, async () => {
    const traces = await generatorTraces();

    expect(traces).toHaveLength(summary.sent);
    for (const trace of traces)
      expect(
        trace.spans.filter((span) => !isLoads(span)),
        trace.traceId,
      ).toEqual([]);
    expect(new Set(traces.flatMap((trace) => trace.spans.map((span) => span.serviceName)))).toEqual(
      new Set(['kennels', 'inventory', 'dogs']),
    );
    // Open model at the receiver: by the end of each second, 10 more requests have come in.
    const starts = traces.map((trace) => Number(BigInt(trace.startTimeUnixNano) / 1_000_000n)).sort((a, b) => a - b);
    const bySecond = [1, 2, 3, 4, 5].map((s) => starts.filter((start) => start - starts[0]! < s * 1000).length);
    bySecond.forEach((count, i) => {
      expect(Math.abs(count - RPS * (i + 1)), `requests by the end of each second: ${bySecond}`).toBeLessThanOrEqual(3);
    });
  });

  test('when it sends faults, then each kind acts in the look-up it names, and the trace shows it', async () => {
    const traces = await generatorTraces();
    const { faults } = summary;

    expect(Object.values(faults).every((count) => count >= 2)).toBe(true);
    const slowDogs = faultSpans(traces, 'dogs.find_dog', /^dogbook\.fault\.dogs\.\d=delay:3000$/);
    const slowInKennel = faultSpans(traces, 'dogs.find_dog', /^dogbook\.fault\.dogs\.\d=delay:1500$/);
    const failingDogs = faultSpans(traces, 'dogs.find_dog', /^dogbook\.fault\.dogs\.\d=error$/);
    const failingInventory = faultSpans(traces, 'inventory.find_dog_ids', /^dogbook\.fault\.inventory=error$/);
    // Every faulted request reached its look-up, even one still open when the generator stopped.
    expect(slowDogs).toHaveLength(faults['slow dog']!);
    expect(slowInKennel).toHaveLength(faults['slow dog in a kennel']!);
    expect(failingDogs).toHaveLength(faults['failing dog']!);
    expect(failingInventory).toHaveLength(faults['failing inventory']!);
    expect(slowDogs.every((span) => span.durationMs >= 3000)).toBe(true);
    expect(slowInKennel.every((span) => span.durationMs >= 1500)).toBe(true);
    expect([...failingDogs, ...failingInventory].every((span) => span.status.code === 'ERROR')).toBe(true);
  });
});
