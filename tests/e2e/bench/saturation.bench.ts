/**
 * What tracing costs at saturation: `GET /api/v1/kennels/2` through nginx, as fast as the machine
 * answers (wrk, 2 threads, 8 connections always in flight), with the simulated database latency
 * off, so that only DogBook's own work is measured: three processes, four HTTP calls per request.
 * The same built services run three times, side by side:
 *   untraced   no preload: nothing is patched
 *   dogbook    DogBook's preload (@dogbook/tracing/register): four instrumentations
 *   stock      `@opentelemetry/auto-instrumentations-node/register` with its defaults: the setup
 *              a reader would otherwise copy
 * Both traced stacks export every span over OTLP/HTTP protobuf (the standard OTEL_* variables) to
 * a receiver of their own that only counts them. The three are loaded in turn, round after round,
 * so that all see the same machine. Figures, not a pass/fail threshold: today's table and what it
 * teaches are in docs/performance.md.
 *   pnpm bench                                     3 rounds of 10 s each
 *   BENCH_ROUNDS=1 BENCH_SECONDS=3 pnpm bench      a quick look that it all runs
 *   BENCH_ROUNDS=5 BENCH_SECONDS=30 pnpm bench     more, longer rounds
 *   BENCH_CONNECTIONS=32 pnpm bench                more requests in flight (8 by default)
 *   BENCH_NODE_OPTIONS='--max-old-space-size=64 --max-semi-space-size=16' pnpm bench
 *                                                  every stack with docker compose's heap limits
 *   BENCH_OTEL_<NAME>=value pnpm bench             both traced stacks with OTEL_<NAME>=value, e.g.
 *     BENCH_OTEL_TRACES_EXPORTER=none              the instrumentations alone: no tracer provider,
 *                                                  so no span is recorded or sent
 *     BENCH_OTEL_BSP_MAX_QUEUE_SIZE=0              every span recorded, then dropped by a batch
 *                                                  queue with room for none: nothing is sent
 *     BENCH_OTEL_TRACES_SAMPLER=parentbased_traceidratio BENCH_OTEL_TRACES_SAMPLER_ARG=0.1
 *                                                  a tenth of the requests recorded, whole
 *   BENCH_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/dogbook-profiles' pnpm bench
 *                                                  a CPU profile of each of the nine services, for
 *                                                  Chrome DevTools (CPU.<date>.<pid>...cpuprofile;
 *                                                  the pids are printed)
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { missingTools } from '@dogbook/nginx';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Env } from '../src/service-process';
import { measureMachineCpu, processCpuSeconds, rssMiB } from '@dogbook/processes';
import { SERVICE_NAMES as SERVICES, type ServiceName } from '@dogbook/service-kit/services';
import { startSpanCounter, type SpanCounter } from '../src/span-counter';
import { startStack, type Stack } from '../src/stack';
import { findWrk, runWrk, WRK_MISSING, type WrkResult } from '../src/wrk';

const PATH = '/api/v1/kennels/2';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const NO_LATENCY: Env = { SIMULATED_LATENCY_MS: '0' };
const NODE_OPTIONS: Env = process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {};
/** BENCH_OTEL_<NAME>=value: OTEL_<NAME>=value for the traced stacks (a sampler, say). */
const OTEL_SETTINGS: Env = Object.fromEntries(
  Object.entries(process.env).flatMap(([name, value]) =>
    name.startsWith('BENCH_OTEL_') && value !== undefined ? [[name.slice('BENCH_'.length), value]] : [],
  ),
);
// warn: a full batch queue is reported ("Dropped N spans because maxQueueSize reached").
const TRACED_ENV: Env = { OTEL_LOG_LEVEL: 'warn', ...OTEL_SETTINGS };

const missing = [...(findWrk() ? [] : [WRK_MISSING]), ...missingTools()];
if (missing.length > 0) console.warn(`saturation benchmark skipped: ${missing.join('; ')}`);

const MODES = ['untraced', 'dogbook', 'stock'] as const;
type Mode = (typeof MODES)[number];
const TRACED_MODES = ['dogbook', 'stock'] as const;
type TracedMode = (typeof TRACED_MODES)[number];
const isTraced = (mode: Mode): mode is TracedMode => mode !== 'untraced';

interface Run extends WrkResult {
  mode: Mode;
  round: number;
  peakRssMiB: Record<ServiceName, number>;
  /** Share of both cores in use while wrk ran. */
  machineBusy: number;
  /** CPU time each service used per request nginx passed on, in microseconds. */
  cpuMicrosPerRequest: Record<ServiceName, number>;
  spansReceived?: number;
  spansExpected?: number;
}

/** Requests nginx passed on so far: one access-log line each. */
const requestsLogged = (stack: Stack) => stack.gateway!.accessLog().split('\n').filter(Boolean).length;

/** Spans arrive in batches after their requests: wait until the count has not moved for a second. */
async function settledCount(counter: SpanCounter, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const now = counter.spans();
    if (now !== last) [last, stableSince] = [now, Date.now()];
    if (Date.now() - stableSince >= 1_000 || Date.now() > deadline) return now;
    await sleep(100);
  }
}

/** Spans that arrived, against what recording every request whole would have sent. */
function spansReport(mode: TracedMode, received: number, expected: number, perRequest: number): string {
  if (!OTEL_SETTINGS.OTEL_TRACES_SAMPLER) {
    return `${mode} spans received / expected: ${received} / ${expected} (${perRequest} per request; ${expected - received} missing)`;
  }
  // A sampler keeps a share of the requests, so the share is the figure, not what is missing.
  if (expected === 0) return `${mode} spans received: ${received}`;
  return `${mode} spans received: ${received}, ${((received / expected) * 100).toFixed(1)}% of the ${expected} of every request recorded (${perRequest} per request)`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;

describe.skipIf(missing.length > 0)(`GET ${PATH} through nginx, at saturation`, () => {
  const counters = {} as Record<TracedMode, SpanCounter>;
  const stacks = {} as Record<Mode, Stack>;
  const spansPerRequest = {} as Record<TracedMode, number>;
  const idleRss = {} as Record<Mode, string>;

  const memory = (stack: Stack) => SERVICES.map((name) => `${name} ${rssMiB(stack.service(name).pid)}`).join(', ');

  beforeAll(async () => {
    const env = (extra: Env) => ({
      kennels: { ...NODE_OPTIONS, ...extra },
      inventory: { ...NO_LATENCY, ...NODE_OPTIONS, ...extra },
      dogs: { ...NO_LATENCY, ...NODE_OPTIONS, ...extra },
    });
    // One stack after the other: nine services starting at once on a busy machine are slow to answer.
    stacks.untraced = await startStack({ gateway: true, tracing: 'off', logs: 'discard', env: env({}) });
    for (const mode of TRACED_MODES) {
      counters[mode] = await startSpanCounter();
      stacks[mode] = await startStack({
        gateway: true,
        tracing: mode,
        receiverUrl: counters[mode].url,
        logs: 'discard',
        env: env(TRACED_ENV),
      });
    }
    for (const mode of MODES) idleRss[mode] = memory(stacks[mode]);

    // What one recorded request weighs in spans, measured rather than assumed. Its caller marks it
    // sampled, so that a head sampler (BENCH_OTEL_TRACES_SAMPLER) records all of it too.
    for (const mode of TRACED_MODES) {
      const before = await settledCount(counters[mode]);
      const sampled = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const response = await fetch(`${stacks[mode].entry}${PATH}`, { headers: { traceparent: sampled } });
      if (response.status !== 200) throw new Error(`${PATH} answered ${response.status} (${mode})`);
      spansPerRequest[mode] = (await settledCount(counters[mode])) - before;
    }
  }, 120_000);

  afterAll(async () => {
    // SIGTERM first, so that each service exits as in production and, under --cpu-prof, writes
    // its profile; close() alone would SIGKILL them.
    const running = Object.values(stacks);
    await Promise.all(running.flatMap((stack) => SERVICES.map((name) => stack.service(name).stop('SIGTERM'))));
    await Promise.all(running.map((stack) => stack.close()));
    await Promise.all(Object.values(counters).map((counter) => counter.close()));
  });

  async function load(mode: Mode, round: number): Promise<Run> {
    const stack = stacks[mode];
    const counter = isTraced(mode) ? counters[mode] : undefined;
    const spansBefore = counter ? await settledCount(counter) : 0;
    const requestsBefore = requestsLogged(stack);
    const cpuBefore = SERVICES.map((name) => processCpuSeconds(stack.service(name).pid));
    const peakRssMiB = Object.fromEntries(SERVICES.map((name) => [name, 0])) as Record<ServiceName, number>;
    const sampler = setInterval(() => {
      for (const name of SERVICES) peakRssMiB[name] = Math.max(peakRssMiB[name], rssMiB(stack.service(name).pid));
    }, 500);
    const machineBusy = measureMachineCpu();
    const result = await runWrk(`${stack.entry}${PATH}`, { seconds: SECONDS, connections: CONNECTIONS }).finally(() =>
      clearInterval(sampler),
    );
    const measured = { mode, round, peakRssMiB, machineBusy: machineBusy(), ...result };
    // Counted once the last batches are in: by then nginx has logged the requests wrk cut off too.
    // Each of them reached kennels and made all its spans, whether or not its answer was read.
    // The CPU of sending those last batches belongs to the run, too.
    const spansReceived = counter ? (await settledCount(counter)) - spansBefore : undefined;
    const requests = requestsLogged(stack) - requestsBefore;
    const cpuMicrosPerRequest = Object.fromEntries(
      SERVICES.map((name, i) => [name, ((processCpuSeconds(stack.service(name).pid) - cpuBefore[i]!) * 1e6) / requests]),
    ) as Run['cpuMicrosPerRequest'];
    if (spansReceived === undefined || !isTraced(mode)) return { ...measured, cpuMicrosPerRequest };
    return { ...measured, cpuMicrosPerRequest, spansReceived, spansExpected: requests * spansPerRequest[mode] };
  }

  test(`untraced, DogBook's tracing and the stock setup, ${ROUNDS} rotating rounds of ${SECONDS} s`, {
    timeout: ROUNDS * (SECONDS + 25) * 3_000 + 60_000,
  }, async () => {
    // Warm up each: JIT compilation, connection pools, V8 heap sizing.
    for (const mode of MODES) await runWrk(`${stacks[mode].entry}${PATH}`, { seconds: 3, connections: CONNECTIONS });

    const runs: Run[] = [];
    const receiverCpuBefore = process.cpuUsage();
    let tracedSeconds = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotate which goes first, so none always follows another's leftovers (GC, caches).
      const order = MODES.map((_, i) => MODES[(i + round - 1) % MODES.length]!);
      for (const mode of order) {
        const run = await load(mode, round);
        runs.push(run);
        if (isTraced(mode)) tracedSeconds += SECONDS;
        console.log(
          `round ${round} ${mode.padEnd(8)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
            `  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms  CPU ${(run.machineBusy * 100).toFixed(0)}%` +
            (run.failures ? `  FAILURES ${run.failures}` : '') +
            (run.spansExpected !== undefined ? `  spans ${run.spansReceived}/${run.spansExpected}` : ''),
        );
      }
    }
    // The counters share this process, which is otherwise idle while wrk runs.
    const receiverCpu = process.cpuUsage(receiverCpuBefore);

    const of = (mode: Mode) => runs.filter((run) => run.mode === mode);
    const ratios = (mode: TracedMode) =>
      Array.from({ length: ROUNDS }, (_, i) => of(mode)[i]!.requestsPerSecond / of('untraced')[i]!.requestsPerSecond);
    const drops = (mode: TracedMode) =>
      SERVICES.flatMap(
        (name) =>
          stacks[mode]
            .service(name)
            .output()
            .match(/Dropped \d+ spans[^\n]*/g) ?? [],
      );
    // CPU time per request says what tracing costs each service, whichever process limits throughput.
    const cpuPerRequest = (mode: Mode) => {
      const perService = SERVICES.map((name) => median(of(mode).map((run) => run.cpuMicrosPerRequest[name])));
      return [...perService, perService.reduce((sum, micros) => sum + micros, 0)];
    };
    const cpuRow = (label: string, micros: number[]) =>
      `${label.padEnd(18)}${micros.map((value) => value.toFixed(0).padStart(10)).join('')}`;
    const cpuAdded = (mode: TracedMode) => cpuPerRequest(mode).map((micros, i) => micros - cpuPerRequest('untraced')[i]!);
    const row = (mode: Mode) => {
      const r = of(mode);
      const peak = SERVICES.map((name) => Math.max(...r.map((run) => run.peakRssMiB[name])));
      return (
        `${mode.padEnd(9)} ${median(r.map((run) => run.requestsPerSecond))
          .toFixed(0)
          .padStart(6)} ` +
        `(${range(
          r.map((run) => run.requestsPerSecond),
          0,
        )})`.padEnd(14) +
        `${median(r.map((run) => run.p50Ms))
          .toFixed(2)
          .padStart(7)} ${median(r.map((run) => run.p99Ms))
          .toFixed(2)
          .padStart(8)}` +
        `${(median(r.map((run) => run.machineBusy)) * 100).toFixed(0).padStart(7)}%` +
        `${(isTraced(mode) ? String(spansPerRequest[mode]) : '-').padStart(13)}   ${peak.join(' / ')}`
      );
    };

    console.log(
      [
        '',
        `GET ${PATH} through nginx at saturation: wrk 2 threads, ${CONNECTIONS} connections, ${ROUNDS} rotating rounds of ${SECONDS} s` +
          (process.env.BENCH_NODE_OPTIONS ? `, NODE_OPTIONS=${process.env.BENCH_NODE_OPTIONS}` : '') +
          Object.entries(OTEL_SETTINGS)
            .map(([name, value]) => `, traced stacks with ${name}=${value}`)
            .join(''),
        `untraced: no preload; dogbook: @dogbook/tracing/register; stock: @opentelemetry/auto-instrumentations-node/register, its defaults`,
        `mode       req/s (median, range)   p50 ms   p99 ms   CPU busy   spans/request   peak RSS MiB kennels / inventory / dogs`,
        ...MODES.map(row),
        ...TRACED_MODES.map(
          (mode) => `${mode} / untraced throughput: ${median(ratios(mode)).toFixed(2)} (median; rounds ${range(ratios(mode), 2)})`,
        ),
        `CPU per request, µs (median)${SERVICES.map((name) => name.padStart(10)).join('')}  all three`,
        ...MODES.map((mode) => cpuRow(mode, cpuPerRequest(mode))),
        ...TRACED_MODES.map((mode) => cpuRow(`added by ${mode}`, cpuAdded(mode))),
        ...TRACED_MODES.map((mode) => {
          const received = of(mode).reduce((sum, run) => sum + run.spansReceived!, 0);
          const expected = of(mode).reduce((sum, run) => sum + run.spansExpected!, 0);
          const dropped = drops(mode);
          return (
            spansReport(mode, received, expected, spansPerRequest[mode]) +
            (dropped.length ? `; the services reported: ${dropped.join('; ')}` : '; no drops reported by the services')
          );
        }),
        `span counters: ${(((receiverCpu.user + receiverCpu.system) / 1e6 / tracedSeconds) * 100).toFixed(0)}% of a core while a traced stack was loaded`,
        `resident memory idle, MiB: ${MODES.map((mode) => `${mode} ${idleRss[mode]}`).join('; ')}`,
        `pids: ${MODES.map((mode) => `${mode} ${SERVICES.map((name) => `${name} ${stacks[mode].service(name).pid}`).join(', ')}`).join('; ')}`,
      ].join('\n'),
    );
  });
});
