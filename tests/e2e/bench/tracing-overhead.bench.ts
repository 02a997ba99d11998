/**
 * What tracing costs. `GET /api/v1/kennels/2` sent straight to kennels (no nginx), one request at
 * a time, with the simulated database latency off: what is left is DogBook's own work, three
 * processes and four HTTP calls per request. The same built services run three times: without a
 * tracing preload, with DogBook's, and with the stock `@opentelemetry/auto-instrumentations-node/register`
 * (its defaults), the traced ones exporting every span over OTLP to a receiver.
 *   pnpm bench
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { rssMiB } from '@dogbook/processes';
import { SERVICE_NAMES } from '@dogbook/service-kit/services';
import { startStack, type Stack } from '../src/stack';

const PATH = '/api/v1/kennels/2';
const NO_LATENCY = { inventory: { SIMULATED_LATENCY_MS: '0' }, dogs: { SIMULATED_LATENCY_MS: '0' } };
const RUN = { time: 10_000, warmupTime: 2_000 };

let untraced: Stack;
let traced: Stack;
let stock: Stack;
let idleMemory: string;

async function ask(stack: Stack): Promise<void> {
  const response = await fetch(`${stack.entry}${PATH}`);
  if (response.status !== 200) throw new Error(`${PATH} answered ${response.status}`);
  await response.arrayBuffer();
}

function memoryOf(label: string, stack: Stack): string {
  return `${label.padEnd(16)} ${SERVICE_NAMES.map((name) => `${name} ${rssMiB(stack.service(name).pid)} MiB`).join(', ')}`;
}

const allMemory = () => [memoryOf('without tracing', untraced), memoryOf('with tracing', traced), memoryOf('stock', stock)].join('\n');

describe(`GET ${PATH} on kennels, one request at a time`, () => {
  beforeAll(async () => {
    untraced = await startStack({ gateway: false, tracing: 'off', env: NO_LATENCY });
    traced = await startStack({ gateway: false, env: NO_LATENCY });
    stock = await startStack({ gateway: false, tracing: 'stock', env: NO_LATENCY });
    idleMemory = allMemory();
  }, 120_000);

  afterAll(async () => {
    if (idleMemory) {
      console.log(`\nResident memory, idle after start:\n${idleMemory}`);
      // V8 grows its heap lazily while memory is plentiful: a ceiling seen under load, not a need.
      console.log(`Resident memory after the runs:\n${allMemory()}`);
    }
    await Promise.all([untraced?.close(), traced?.close(), stock?.close()]);
  });

  test('with and without tracing', { timeout: 120_000 }, async ({ bench }) => {
    // Prints ops/s, mean and percentiles side by side; figures, not a pass/fail threshold.
    await bench.compare(
      bench('without tracing (no preload)', () => ask(untraced)),
      bench('with tracing (preload, OTLP export)', () => ask(traced)),
      bench('stock auto-instrumentations (defaults, OTLP export)', () => ask(stock)),
      RUN,
    );
  });
});
