/**
 * What tracing costs at saturation: `GET /api/v1/kennels/2` through nginx, as fast as the machine
 * answers (wrk, 2 threads, 8 connections always in flight), with the simulated database latency
 * off, so that only DogBook's own work is measured: three processes, four HTTP calls per request.
 * The same built services run twice, side by side: without the tracing preload, and with it,
 * exporting every span over OTLP/HTTP protobuf to a receiver that only counts them. The two are
 * loaded in turn, round after round, so that both see the same machine; each round's ratio
 * compares two runs a few seconds apart. Figures, not a pass/fail threshold.
 *   pnpm bench                                     3 rounds of 10 s each
 *   BENCH_ROUNDS=5 BENCH_SECONDS=30 pnpm bench     more, longer rounds
 *   BENCH_CONNECTIONS=32 pnpm bench                more requests in flight (8 by default, as
 *                                                  the goal was set: on two cores, 32 made the
 *                                                  untraced stack no faster, the traced one about
 *                                                  a tenth faster, and quadrupled nginx's queue)
 *   BENCH_NODE_OPTIONS='--max-old-space-size=64 --max-semi-space-size=16' pnpm bench
 *                                                  both stacks with docker compose's heap limits
 *   BENCH_OTEL_<NAME>=value pnpm bench             the traced stack with OTEL_<NAME>=value, e.g.
 *     BENCH_OTEL_TRACES_EXPORTER=none              the instrumentations alone: no tracer provider,
 *                                                  so no span is recorded or sent
 *     BENCH_OTEL_BSP_MAX_QUEUE_SIZE=0              every span recorded, then dropped by a batch
 *                                                  queue with room for none: nothing is sent
 *     BENCH_OTEL_TRACES_SAMPLER=parentbased_traceidratio BENCH_OTEL_TRACES_SAMPLER_ARG=0.1
 *                                                  a tenth of the requests recorded, whole
 *   BENCH_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/dogbook-profiles' pnpm bench
 *                                                  a CPU profile of each of the six services, for
 *                                                  Chrome DevTools (CPU.<date>.<pid>...cpuprofile;
 *                                                  the pids are printed)
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { missingTools } from '@dogbook/nginx';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Env } from '../src/service-process';
import { measureMachineCpu, processCpuSeconds, rssMiB } from '@dogbook/processes';
import { startSpanCounter, type SpanCounter } from '../src/span-counter';
import { startStack, type Stack } from '../src/stack';
import { findWrk, runWrk, WRK_MISSING, type WrkResult } from '../src/wrk';

const PATH = '/api/v1/kennels/2';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SERVICES = ['kennels', 'inventory', 'dogs'] as const;
const NO_LATENCY: Env = { SIMULATED_LATENCY_MS: '0' };
const NODE_OPTIONS: Env = process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {};
/** BENCH_OTEL_<NAME>=value: OTEL_<NAME>=value for the traced stack (a depth to cut it off at, a sampler). */
const OTEL_SETTINGS: Env = Object.fromEntries(
  Object.entries(process.env).flatMap(([name, value]) =>
    name.startsWith('BENCH_OTEL_') && value !== undefined ? [[name.slice('BENCH_'.length), value]] : [],
  ),
);
// warn: a full batch queue is reported ("Dropped N spans because maxQueueSize reached").
const TRACED_ENV: Env = { OTEL_LOG_LEVEL: 'warn', ...OTEL_SETTINGS };

const missing = [...(findWrk() ? [] : [WRK_MISSING]), ...missingTools()];
if (missing.length > 0) console.warn(`saturation benchmark skipped: ${missing.join('; ')}`);

type Mode = 'untraced' | 'traced';
interface Run extends WrkResult {
  mode: Mode;
  round: number;
  peakRssMiB: Record<(typeof SERVICES)[number], number>;
  /** Share of both cores in use while wrk ran. */
  machineBusy: number;
  /** CPU time each service used per request nginx passed on, in microseconds. */
  cpuMicrosPerRequest: Record<(typeof SERVICES)[number], number>;
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
function spansReport(received: number, expected: number, perRequest: number): string {
  if (!OTEL_SETTINGS.OTEL_TRACES_SAMPLER) {
    return `spans received / expected: ${received} / ${expected} (${perRequest} per request; ${expected - received} missing)`;
  }
  // A sampler keeps a share of the requests, so the share is the figure, not what is missing.
  if (expected === 0) return `spans received: ${received}`;
  return `spans received: ${received}, ${((received / expected) * 100).toFixed(1)}% of the ${expected} of every request recorded (${perRequest} per request)`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (values: number[], digits: number) =>
  `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;

describe.skipIf(missing.length > 0)(`GET ${PATH} through nginx, at saturation`, () => {
  let counter: SpanCounter;
  let stacks: Record<Mode, Stack>;
  let spansPerRequest: number;
  let idleRss: Record<Mode, string>;

  const memory = (stack: Stack) => SERVICES.map((name) => `${name} ${rssMiB(stack.service(name).pid)}`).join(', ');

  beforeAll(async () => {
    counter = await startSpanCounter();
    const env = { kennels: NODE_OPTIONS, inventory: { ...NO_LATENCY, ...NODE_OPTIONS }, dogs: { ...NO_LATENCY, ...NODE_OPTIONS } };
    const [untraced, traced] = await Promise.all([
      startStack({ gateway: true, tracing: false, logs: 'discard', env }),
      startStack({
        gateway: true,
        receiverUrl: counter.url,
        logs: 'discard',
        env: {
          kennels: { ...NODE_OPTIONS, ...TRACED_ENV },
          inventory: { ...env.inventory, ...TRACED_ENV },
          dogs: { ...env.dogs, ...TRACED_ENV },
        },
      }),
    ]);
    stacks = { untraced, traced };
    idleRss = { untraced: memory(untraced), traced: memory(traced) };

    // What one recorded request weighs in spans, measured rather than assumed. Its caller marks it
    // sampled, so that a head sampler (BENCH_OTEL_TRACES_SAMPLER) records all of it too.
    const sampled = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const response = await fetch(`${traced.entry}${PATH}`, { headers: { traceparent: sampled } });
    if (response.status !== 200) throw new Error(`${PATH} answered ${response.status}`);
    spansPerRequest = await settledCount(counter);
  }, 60_000);

  afterAll(async () => {
    // SIGTERM first, so that each service exits as in production and, under --cpu-prof, writes
    // its profile; close() alone would SIGKILL them.
    const running = stacks ? [stacks.untraced, stacks.traced] : [];
    await Promise.all(running.flatMap((stack) => SERVICES.map((name) => stack.service(name).stop('SIGTERM'))));
    await Promise.all([stacks?.untraced.close(), stacks?.traced.close()]);
    await counter?.close();
  });

  async function load(mode: Mode, round: number): Promise<Run> {
    const stack = stacks[mode];
    const spansBefore = await settledCount(counter);
    const requestsBefore = requestsLogged(stack);
    const cpuBefore = SERVICES.map((name) => processCpuSeconds(stack.service(name).pid));
    const peakRssMiB = { kennels: 0, inventory: 0, dogs: 0 };
    const sampler = setInterval(() => {
      for (const name of SERVICES) peakRssMiB[name] = Math.max(peakRssMiB[name], rssMiB(stack.service(name).pid));
    }, 500);
    const machineBusy = measureMachineCpu();
    const result = await runWrk(`${stack.entry}${PATH}`, { seconds: SECONDS, connections: CONNECTIONS }).finally(() => clearInterval(sampler));
    const measured = { mode, round, peakRssMiB, machineBusy: machineBusy(), ...result };
    // Counted once the last batches are in: by then nginx has logged the requests wrk cut off too.
    // Each of them reached kennels and made all its spans, whether or not its answer was read.
    // The CPU of sending those last batches belongs to the run, too.
    const spansReceived = mode === 'traced' ? (await settledCount(counter)) - spansBefore : undefined;
    const requests = requestsLogged(stack) - requestsBefore;
    const cpuMicrosPerRequest = Object.fromEntries(
      SERVICES.map((name, i) => [name, ((processCpuSeconds(stack.service(name).pid) - cpuBefore[i]!) * 1e6) / requests]),
    ) as Run['cpuMicrosPerRequest'];
    if (spansReceived === undefined) return { ...measured, cpuMicrosPerRequest };
    return { ...measured, cpuMicrosPerRequest, spansReceived, spansExpected: requests * spansPerRequest };
  }

  test(`traced and untraced, ${ROUNDS} alternating rounds of ${SECONDS} s`, { timeout: ROUNDS * (SECONDS + 25) * 2_000 + 60_000 }, async () => {
    // Warm up both: JIT compilation, connection pools, V8 heap sizing.
    await runWrk(`${stacks.untraced.entry}${PATH}`, { seconds: 3, connections: CONNECTIONS });
    await runWrk(`${stacks.traced.entry}${PATH}`, { seconds: 3, connections: CONNECTIONS });

    const runs: Run[] = [];
    const receiverCpuBefore = process.cpuUsage();
    let tracedSeconds = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so neither always follows the other's leftovers (GC, caches).
      const order: Mode[] = round % 2 ? ['untraced', 'traced'] : ['traced', 'untraced'];
      for (const mode of order) {
        const run = await load(mode, round);
        runs.push(run);
        if (mode === 'traced') tracedSeconds += SECONDS;
        console.log(
          `round ${round} ${mode.padEnd(8)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
            `  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms  CPU ${(run.machineBusy * 100).toFixed(0)}%` +
            (run.failures ? `  FAILURES ${run.failures}` : '') +
            (run.spansExpected !== undefined ? `  spans ${run.spansReceived}/${run.spansExpected}` : ''),
        );
      }
    }
    // The counter shares this process, which is otherwise idle while wrk runs.
    const receiverCpu = process.cpuUsage(receiverCpuBefore);

    const of = (mode: Mode) => runs.filter((run) => run.mode === mode);
    const ratios = Array.from({ length: ROUNDS }, (_, i) => {
      const [untraced, traced] = [of('untraced')[i]!, of('traced')[i]!];
      return traced.requestsPerSecond / untraced.requestsPerSecond;
    });
    const traced = of('traced');
    const received = traced.reduce((sum, run) => sum + run.spansReceived!, 0);
    const expected = traced.reduce((sum, run) => sum + run.spansExpected!, 0);
    const drops = SERVICES.flatMap((name) => stacks.traced.service(name).output().match(/Dropped \d+ spans[^\n]*/g) ?? []);
    // CPU time per request says what tracing costs each service, whichever process limits throughput.
    const cpuPerRequest = (mode: Mode) => {
      const perService = SERVICES.map((name) => median(of(mode).map((run) => run.cpuMicrosPerRequest[name])));
      return [...perService, perService.reduce((sum, micros) => sum + micros, 0)];
    };
    const cpuRow = (label: string, micros: number[]) =>
      `${label.padEnd(18)}${micros.map((value) => value.toFixed(0).padStart(10)).join('')}`;
    const cpuAdded = cpuPerRequest('traced').map((micros, i) => micros - cpuPerRequest('untraced')[i]!);
    const row = (mode: Mode) => {
      const r = of(mode);
      const peak = SERVICES.map((name) => Math.max(...r.map((run) => run.peakRssMiB[name])));
      return (
        `${mode.padEnd(9)} ${median(r.map((run) => run.requestsPerSecond)).toFixed(0).padStart(6)} ` +
        `(${range(r.map((run) => run.requestsPerSecond), 0)})`.padEnd(14) +
        `${median(r.map((run) => run.p50Ms)).toFixed(2).padStart(7)} ${median(r.map((run) => run.p99Ms)).toFixed(2).padStart(8)}` +
        `${(median(r.map((run) => run.machineBusy)) * 100).toFixed(0).padStart(7)}%   ${peak.join(' / ')}`
      );
    };

    console.log(
      [
        '',
        `GET ${PATH} through nginx at saturation: wrk 2 threads, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s` +
          (process.env.BENCH_NODE_OPTIONS ? `, NODE_OPTIONS=${process.env.BENCH_NODE_OPTIONS}` : '') +
          Object.entries(OTEL_SETTINGS).map(([name, value]) => `, traced stack with ${name}=${value}`).join(''),
        `mode       req/s (median, range)   p50 ms   p99 ms   CPU busy   peak RSS MiB kennels / inventory / dogs`,
        row('untraced'),
        row('traced'),
        `traced / untraced throughput: ${median(ratios).toFixed(2)} (median; rounds ${range(ratios, 2)})`,
        `CPU per request, µs (median)${SERVICES.map((name) => name.padStart(10)).join('')}  all three`,
        cpuRow('untraced', cpuPerRequest('untraced')),
        cpuRow('traced', cpuPerRequest('traced')),
        cpuRow('added by tracing', cpuAdded),
        spansReport(received, expected, spansPerRequest) +
          (drops.length ? `; the services reported: ${drops.join('; ')}` : '; no drops reported by the services'),
        `span counter: ${(((receiverCpu.user + receiverCpu.system) / 1e6 / tracedSeconds) * 100).toFixed(0)}% of a core while the traced stack was loaded`,
        `resident memory idle, MiB: untraced ${idleRss.untraced}; traced ${idleRss.traced}`,
        `pids: ${(['untraced', 'traced'] as const).map((mode) => `${mode} ${SERVICES.map((name) => `${name} ${stacks[mode].service(name).pid}`).join(', ')}`).join('; ')}`,
      ].join('\n'),
    );
  });
});
