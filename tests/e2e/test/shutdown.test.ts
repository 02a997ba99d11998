import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KENNEL_2 } from '../src/kennel-2';
import { nginxIsAvailable } from '../src/nginx-requirement';
import type { ServiceName } from '../src/service-process';
import { startStack, type Stack } from '../src/stack';
import { spansOf, waitForTrace } from '../src/traces';

/** Each dog look-up takes this long: the window in which the request is in flight. */
const DOG_LATENCY_MS = 1_000;

const gateway = nginxIsAvailable('the shutdown tests run straight against kennels, without the gateway');

/** A caller-chosen trace id, so the test can watch the trace before the answer arrives. */
function newTraceparent() {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

describe('when a service is told to stop (SIGTERM) with a request in flight', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The processes that get SIGTERM batch their spans for a minute: what reaches the receiver
    // before the test ends can only come from the flush at shutdown.
    const holdSpans = { OTEL_BSP_SCHEDULE_DELAY: '60000' };
    stack = await startStack({
      gateway,
      env: {
        kennels: { ...holdSpans, DOWNSTREAM_TIMEOUT_MS: String(DOG_LATENCY_MS * 5) },
        dogs: { ...holdSpans, SIMULATED_LATENCY_MS: String(DOG_LATENCY_MS) },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Sends the kennel request, waits until kennels is waiting on dogs, then sends SIGTERM to `target`. */
  async function stopWhileInFlight(target: ServiceName) {
    const { traceId, traceparent } = newTraceparent();
    const answer = fetch(`${stack.entry}/api/v1/kennels/2`, { headers: { traceparent } }).then(async (response) => ({
      status: response.status,
      body: await response.json(),
      at: performance.now(),
    }));
    // Inventory exports its spans within 100 ms: once they are in, kennels has the dog ids and has
    // asked dogs, which will take DOG_LATENCY_MS to answer.
    await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'inventory', kind: 'SERVER' }).length === 1);
    await sleep(DOG_LATENCY_MS / 5);
    const signalledAt = performance.now();
    // No SIGKILL for a minute: the exit can only be the service's own, once drained and flushed.
    const exit = stack.service(target).stop('SIGTERM', 60_000);
    const { at, ...response } = await answer;
    // The answer came after the signal: the request really was in flight when it arrived.
    expect(at).toBeGreaterThan(signalledAt);
    return { traceId, answer: response, exit: await exit };
  }

  test('when dogs is stopped mid-request, then the request completes, its spans are flushed, and dogs exits 0 by itself', async () => {
    try {
      const { traceId, answer, exit } = await stopWhileInFlight('dogs');

      expect(answer).toEqual({ status: 200, body: KENNEL_2 });
      expect(exit).toMatchObject({ code: 0, signal: null });
      const trace = await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'dogs', name: 'dogs.find_dog' }).length === 3);
      expect(spansOf(trace, { service: 'dogs', kind: 'SERVER' })).toHaveLength(3);
    } finally {
      await stack.restart('dogs');
    }
  });

  test('when kennels is stopped mid-request, then the request completes, its spans are flushed, and kennels exits 0 by itself', async () => {
    try {
      const { traceId, answer, exit } = await stopWhileInFlight('kennels');

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 2, dogs: [{ name: 'Möhre' }, { name: 'Jack' }, { name: 'Charlie' }] });
      expect(exit).toMatchObject({ code: 0, signal: null });
      const trace = await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1);
      expect(spansOf(trace, { service: 'kennels', name: 'kennels.fetch_dog' })).toHaveLength(3);
    } finally {
      await stack.restart('kennels');
    }
  });
});
