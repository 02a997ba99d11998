import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KENNEL_2_DOGS } from '../src/kennel-2';
import { MAX_DELAY_MS } from '@dogbook/tracing';
import type { Trace } from '@dogbook/trace-viewer';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';
import { spansOf, traceIdOf, waitForTrace } from '../src/traces';

/** What the grammar in every 400 starts with, so a learner sees how to write it right. */
const GRAMMAR = 'baggage members: dogbook.learner=<1-32 characters of A-Z a-z 0-9 _ ->, dogbook.fault.<kennels|inventory|dogs>';
/** A delay long enough to stand out from the stack's 20 ms look-ups on a busy machine. */
const DELAY_MS = 400;
/** Node's timers may fire a fraction of a millisecond early by the clock spans are timed with. */
const TIMER_SLACK_MS = 1;

const gateway = nginxIsAvailable('the baggage fault tests run straight against kennels, without the gateway');

interface Answer {
  status: number;
  body: Record<string, unknown>;
  elapsedMs: number;
  /** When the answer was read, by this process's clock. */
  doneAt: number;
  traceId: string;
}

async function get(stack: Stack, path: string, baggage?: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${stack.entry}${path}`, { headers: baggage ? { baggage } : {} });
  const body = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    body,
    elapsedMs: performance.now() - started,
    doneAt: performance.now(),
    traceId: traceIdOf(response.headers.get('traceresponse')),
  };
}

/** Waits for the whole trace of a kennel-2 request: kennels' server span and every look-up asked for. */
function kennelTrace(stack: Stack, answer: Answer, lookUps: Record<string, number>): Promise<Trace> {
  return waitForTrace(
    stack.viewer!,
    answer.traceId,
    (trace) =>
      spansOf(trace, { service: 'kennels', kind: 'SERVER' }).length === 1 &&
      Object.entries(lookUps).every(([name, count]) => spansOf(trace, { name }).length === count),
  );
}

const dogSpan = (trace: Trace, id: number) =>
  spansOf(trace, { name: 'dogs.find_dog' }).find((span) => span.attributes['dogbook.dog.id'] === id)!;

describe('faults on demand, carried by baggage', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when dogbook.fault.dogs.4=delay asks for a delay, then only dog 4 is slow, inside its own look-up span', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', `dogbook.fault.dogs.4=delay:${DELAY_MS}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 2, name: 'some other kennel', dogs: KENNEL_2_DOGS });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
    const trace = await kennelTrace(stack, answer, { 'dogs.find_dog': 3 });
    expect(dogSpan(trace, 4).durationMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
    expect(dogSpan(trace, 4).attributes['dogbook.fault']).toBe(`dogbook.fault.dogs.4=delay:${DELAY_MS}`);
    for (const id of [3, 5]) expect(dogSpan(trace, id).attributes['dogbook.fault']).toBeUndefined();
  });

  test('when dogbook.fault.dogs=delay names the service, then every dog look-up of the request is slow', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', `dogbook.fault.dogs=delay:${DELAY_MS}`);

    expect(answer.status).toBe(200);
    const trace = await kennelTrace(stack, answer, { 'dogs.find_dog': 3 });
    for (const id of [3, 4, 5]) {
      expect(dogSpan(trace, id).durationMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
      expect(dogSpan(trace, id).attributes['dogbook.fault']).toBe(`dogbook.fault.dogs=delay:${DELAY_MS}`);
    }
  });

  test('when a service-wide and an id-specific directive meet, then the id-specific one wins for that id', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', `dogbook.fault.dogs=delay:${DELAY_MS},dogbook.fault.dogs.4=error`);

    expect(answer.status).toBe(200);
    expect(answer.body.dogs).toEqual([KENNEL_2_DOGS[0], { id: 4, name: null }, KENNEL_2_DOGS[2]]);
    const trace = await kennelTrace(stack, answer, { 'dogs.find_dog': 3 });
    expect(dogSpan(trace, 4).attributes['dogbook.fault']).toBe('dogbook.fault.dogs.4=error');
    expect(dogSpan(trace, 3).attributes['dogbook.fault']).toBe(`dogbook.fault.dogs=delay:${DELAY_MS}`);
  });

  test('when dogbook.fault.dogs.4=error, then the kennel answers 200 with a null name and the trace shows the injected error', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', 'dogbook.fault.dogs.4=error');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 2, name: 'some other kennel', dogs: [KENNEL_2_DOGS[0], { id: 4, name: null }, KENNEL_2_DOGS[2]] });
    const trace = await kennelTrace(stack, answer, { 'dogs.find_dog': 3 });
    const failed = dogSpan(trace, 4);
    expect(failed.status.code).toBe('ERROR');
    expect(failed.attributes).toMatchObject({ 'error.type': 'InjectedFault', 'dogbook.fault': 'dogbook.fault.dogs.4=error' });
    const dogServer = trace.spans.find((span) => span.spanId === failed.parentSpanId);
    expect(dogServer).toMatchObject({ serviceName: 'dogs', kind: 'SERVER' });
    expect(dogServer!.attributes['http.response.status_code']).toBe(500);
    const fetches = spansOf(trace, { name: 'kennels.fetch_dog' });
    expect(fetches.filter((span) => span.status.code === 'ERROR').map((span) => span.attributes['dogbook.dog.id'])).toEqual([4]);
  });

  test('when dogs itself is asked with error:503, then it answers that status with its JSON error', async () => {
    const answer = await get(stack, '/api/v1/dogs/4', 'dogbook.fault.dogs.4=error:503');

    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'injected fault: dogbook.fault.dogs.4=error:503', traceId: answer.traceId });
  });

  test('when dogbook.fault.inventory=error, then inventory fails and kennels answers 502', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', 'dogbook.fault.inventory=error');

    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({ error: 'the inventory service did not answer for kennel 2', traceId: answer.traceId });
    const trace = await kennelTrace(stack, answer, { 'inventory.find_dog_ids': 1 });
    expect(spansOf(trace, { name: 'inventory.find_dog_ids' })[0]).toMatchObject({
      status: { code: 'ERROR' },
      attributes: { 'error.type': 'InjectedFault', 'dogbook.fault': 'dogbook.fault.inventory=error' },
    });
  });

  test('when dogbook.fault.inventory.2 names another kennel than the one asked for, then nothing happens', async () => {
    const answer = await get(stack, '/api/v1/kennels/1', 'dogbook.fault.inventory.2=error');

    expect(answer.status).toBe(200);
    const trace = await kennelTrace(stack, answer, { 'inventory.find_dog_ids': 1 });
    expect(spansOf(trace, { name: 'inventory.find_dog_ids' })[0]!.attributes['dogbook.fault']).toBeUndefined();
  });

  test('when dogbook.fault.inventory.2=delay, then the inventory look-up for kennel 2 takes that long', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', `dogbook.fault.inventory.2=delay:${DELAY_MS}`);

    expect(answer.status).toBe(200);
    const trace = await kennelTrace(stack, answer, { 'inventory.find_dog_ids': 1, 'dogs.find_dog': 3 });
    const [lookUp] = spansOf(trace, { name: 'inventory.find_dog_ids' });
    expect(lookUp!.durationMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
    expect(lookUp!.attributes['dogbook.fault']).toBe(`dogbook.fault.inventory.2=delay:${DELAY_MS}`);
  });

  test("when dogbook.fault.kennels.2 injects an error or a delay, then kennels' own look-up carries it", async () => {
    const failed = await get(stack, '/api/v1/kennels/2', 'dogbook.fault.kennels.2=error:504');
    const slow = await get(stack, '/api/v1/kennels/2', `dogbook.fault.kennels.2=delay:${DELAY_MS}`);

    expect(failed.status).toBe(504);
    expect(failed.body.error).toBe('injected fault: dogbook.fault.kennels.2=error:504');
    const failedTrace = await kennelTrace(stack, failed, { 'kennels.find_kennel': 1 });
    expect(spansOf(failedTrace, { name: 'kennels.find_kennel' })[0]!.status.code).toBe('ERROR');
    expect(slow.status).toBe(200);
    const slowTrace = await kennelTrace(stack, slow, { 'kennels.find_kennel': 1 });
    expect(spansOf(slowTrace, { name: 'kennels.find_kennel' })[0]!.durationMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
  });

  test('when a fault asks for the largest delay the grammar allows, then the service answers it, not the gateway with a 504', async () => {
    const largest = `${MAX_DELAY_MS}`;
    // dogs asked directly, and kennels slowed in its own look-up and then calling its neighbours.
    const [dog, kennel] = await Promise.all([
      get(stack, '/api/v1/dogs/4', `dogbook.learner=alice,dogbook.fault.dogs=delay:${largest}`),
      get(stack, '/api/v1/kennels/2', `dogbook.learner=alice,dogbook.fault.kennels=delay:${largest}`),
    ]);

    expect(dog.status).toBe(200);
    expect(dog.body).toEqual({ id: 4, name: 'Jack' });
    expect(kennel.status).toBe(200);
    expect(kennel.body).toEqual({ id: 2, name: 'some other kennel', dogs: KENNEL_2_DOGS });
    expect(kennel.elapsedMs).toBeGreaterThanOrEqual(MAX_DELAY_MS - TIMER_SLACK_MS);
  }, 60_000);

  test('when members combine, then each acts in its own service', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', `dogbook.fault.dogs.4=error,dogbook.fault.inventory=delay:${DELAY_MS}`);

    expect(answer.status).toBe(200);
    expect(answer.body.dogs).toEqual([KENNEL_2_DOGS[0], { id: 4, name: null }, KENNEL_2_DOGS[2]]);
    const trace = await kennelTrace(stack, answer, { 'inventory.find_dog_ids': 1, 'dogs.find_dog': 3 });
    expect(spansOf(trace, { name: 'inventory.find_dog_ids' })[0]!.durationMs).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
    expect(dogSpan(trace, 4).status.code).toBe('ERROR');
  });

  test('when a faulted and a plain request are served at the same moment, then only the faulted one is slow', async () => {
    const slowMs = 1_500;
    const [faulted, plain] = await Promise.all([
      get(stack, '/api/v1/kennels/2', `dogbook.fault.dogs=delay:${slowMs}`),
      get(stack, '/api/v1/kennels/2'),
    ]);

    expect(faulted.elapsedMs).toBeGreaterThanOrEqual(slowMs - TIMER_SLACK_MS);
    // The plain request did not wait for the faulted one: its answer came first.
    expect(plain.doneAt).toBeLessThan(faulted.doneAt);
    const plainTrace = await kennelTrace(stack, plain, { 'dogs.find_dog': 3 });
    expect(plainTrace.spans.filter((span) => span.attributes['dogbook.fault'] !== undefined)).toEqual([]);
  });

  test('when the request carries dogbook.learner, then every span in all three services carries the learner', async () => {
    const answer = await get(stack, '/api/v1/kennels/2', 'dogbook.learner=alice,user.id=someone-else');

    const trace = await waitForTrace(
      stack.viewer!,
      answer.traceId,
      (t) => spansOf(t, { kind: 'SERVER' }).length === 5 && t.spans.length === 18,
    );
    expect(new Set(trace.spans.map((span) => span.serviceName))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
    const untagged = trace.spans.filter((span) => span.attributes['dogbook.learner'] !== 'alice');
    expect(untagged.map((span) => `${span.serviceName} ${span.name}`)).toEqual([]);
    // Only DogBook's own namespace becomes attributes: other members travel on, unrecorded.
    expect(trace.spans.filter((span) => 'user.id' in span.attributes)).toEqual([]);
  });

  describe('when a dogbook.* member is malformed, then the first service answers 400 with the grammar, and no dogbook.* member reaches a span', () => {
    test.each([
      ['an unknown service', 'dogbook.fault.cats=error'],
      ['an unknown effect', 'dogbook.fault.dogs=explode'],
      ['a delay that is not a whole number of ms', 'dogbook.fault.dogs=delay:1.5'],
      ['a delay over 10000 ms', 'dogbook.fault.dogs=delay:10001'],
      ['a status outside 500-599', 'dogbook.fault.dogs.4=error:404'],
      ['an id that is not an id', 'dogbook.fault.dogs.x=error'],
      ['a learner name with a dot', 'dogbook.learner=al.ice'],
      ['a learner name of 33 characters', `dogbook.learner=${'a'.repeat(33)}`],
      ['an unknown dogbook key', 'dogbook.debug=true'],
      ['a learner name with an escape sequence (percent-encoded, as baggage values are)', 'dogbook.learner=al%1B%5B2Jice'],
      ['a valid learner next to a malformed fault', 'dogbook.learner=alice,dogbook.fault.dogs=explode'],
      ['more than 16 dogbook members', Array.from({ length: 17 }, (_, id) => `dogbook.fault.dogs.${id}=error`).join(',')],
    ])('%s', async (_, baggage) => {
      const answer = await get(stack, '/api/v1/kennels/2', baggage);

      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual(expect.stringContaining(GRAMMAR));
      expect(answer.body.traceId).toBe(answer.traceId);
      // Refused at the door: no call went on to inventory or dogs.
      const trace = await waitForTrace(
        stack.viewer!,
        answer.traceId,
        (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1,
      );
      expect(trace.spans.filter((span) => span.serviceName !== 'kennels')).toEqual([]);
      // The server span started before the check answered; it carries none of the refused members.
      const copied = trace.spans.flatMap((span) => Object.keys(span.attributes).filter((key) => key.startsWith('dogbook.')));
      expect(copied).toEqual([]);
      expect(trace.learners).toEqual([]);
    });
  });
});

describe('with FAULT_INJECTION=off in every service', () => {
  let stack: Stack;
  beforeAll(async () => {
    const off = { FAULT_INJECTION: 'off' };
    stack = await startStack({ gateway, env: { kennels: off, inventory: off, dogs: off } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when a request asks for faults, even malformed ones, then they are ignored and the learner still applies', async () => {
    const answer = await get(
      stack,
      '/api/v1/kennels/2',
      `dogbook.learner=bob,dogbook.fault.dogs=delay:${DELAY_MS},dogbook.fault.cats=explode`,
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 2, name: 'some other kennel', dogs: KENNEL_2_DOGS });
    const trace = await kennelTrace(stack, answer, { 'dogs.find_dog': 3 });
    expect(trace.spans.filter((span) => span.attributes['dogbook.fault'] !== undefined)).toEqual([]);
    expect(dogSpan(trace, 4).attributes['dogbook.learner']).toBe('bob');
  });
});
