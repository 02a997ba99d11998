import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';
import { spansOf, traceIdOf, waitForTrace } from '../src/traces';

/** Kennels gives up on a call to inventory or dogs after this long. */
const DOWNSTREAM_TIMEOUT_MS = 1_000;
/** What "hanging" would mean here: the gateway's own proxy_read_timeout. */
const GATEWAY_READ_TIMEOUT_MS = 20_000;

const gateway = nginxIsAvailable('the fault tests run straight against kennels, without the gateway');

async function timedGet(url: string) {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(GATEWAY_READ_TIMEOUT_MS + 5_000) });
  const body = (await response.json()) as Record<string, unknown>;
  return { response, body, elapsedMs: performance.now() - started };
}

describe('when a part of DogBook fails', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway, env: { kennels: { DOWNSTREAM_TIMEOUT_MS: String(DOWNSTREAM_TIMEOUT_MS) } } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when the dogs process is stopped, then the kennel still answers 200, without waiting for the timeout, with null names and ERROR spans', async () => {
    await stack.stop('dogs');
    try {
      const { response, body } = await timedGet(`${stack.entry}/api/v1/kennels/2`);

      expect(response.status).toBe(200);
      expect(body).toEqual({ id: 2, name: 'some other kennel', dogs: [3, 4, 5].map((id) => ({ id, name: null })) });
      const trace = await waitForTrace(
        stack.viewer!,
        traceIdOf(response.headers.get('traceresponse')),
        (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1,
      );
      const fetches = spansOf(trace, { name: 'kennels.fetch_dog' });
      expect(fetches).toHaveLength(3);
      for (const span of fetches) expect(span.status.code).toBe('ERROR');
      // A refused connection fails at once, not by the timeout.
      expect(fetches.map((span) => span.attributes['error.type'])).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
      expect(spansOf(trace, { service: 'kennels', kind: 'CLIENT' }).filter((span) => span.status.code === 'ERROR')).toHaveLength(3);
      expect(spansOf(trace, { service: 'dogs' })).toEqual([]);
    } finally {
      await stack.restart('dogs');
    }
  });

  test('when the inventory process is stopped, then the kennel answers a JSON 502 carrying its trace id', async () => {
    await stack.stop('inventory');
    try {
      const { response, body } = await timedGet(`${stack.entry}/api/v1/kennels/2`);

      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const traceId = traceIdOf(response.headers.get('traceresponse'));
      expect(body).toEqual({ error: 'the inventory service did not answer for kennel 2', traceId });
      const trace = await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1);
      const [server] = spansOf(trace, { service: 'kennels', kind: 'SERVER' });
      expect(server!.attributes['http.response.status_code']).toBe(502);
      expect(server!.status.code).toBe('ERROR');
      expect(spansOf(trace, { name: 'kennels.fetch_dog_ids' })[0]?.status.code).toBe('ERROR');
      // A refused connection fails at once, not by the timeout.
      expect(spansOf(trace, { name: 'kennels.fetch_dog_ids' })[0]?.attributes['error.type']).toBe('ECONNREFUSED');
      // Without dog ids there is nobody to ask for names.
      expect(spansOf(trace, { name: 'kennels.fetch_dog' })).toEqual([]);
    } finally {
      await stack.restart('inventory');
    }
  });

  test('when dogs is slower than DOWNSTREAM_TIMEOUT_MS, then the timeout fires and the kennel answers with null names', async () => {
    await stack.restart('dogs', { SIMULATED_LATENCY_MS: String(DOWNSTREAM_TIMEOUT_MS * 3) });

    const { response, body, elapsedMs } = await timedGet(`${stack.entry}/api/v1/kennels/2`);

    expect(response.status).toBe(200);
    expect(body).toEqual({ id: 2, name: 'some other kennel', dogs: [3, 4, 5].map((id) => ({ id, name: null })) });
    // The answer waited for the timeout, and not for dogs: kennels had answered before dogs' look-ups ended.
    expect(elapsedMs).toBeGreaterThanOrEqual(DOWNSTREAM_TIMEOUT_MS);
    const trace = await waitForTrace(
      stack.viewer!,
      traceIdOf(response.headers.get('traceresponse')),
      (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1 && spansOf(t, { name: 'dogs.find_dog' }).length === 3,
      DOWNSTREAM_TIMEOUT_MS * 3 + 15_000,
    );
    const kennelsEnd = BigInt(spansOf(trace, { service: 'kennels', kind: 'SERVER' })[0]!.endTimeUnixNano);
    for (const lookUp of spansOf(trace, { name: 'dogs.find_dog' })) expect(kennelsEnd).toBeLessThan(BigInt(lookUp.endTimeUnixNano));
    const fetches = spansOf(trace, { name: 'kennels.fetch_dog' });
    expect(fetches).toHaveLength(3);
    for (const span of fetches) {
      expect(span.status.code).toBe('ERROR');
      expect(span.durationMs).toBeGreaterThanOrEqual(DOWNSTREAM_TIMEOUT_MS - 1);
    }
    expect(fetches.map((span) => span.attributes['error.type'])).toEqual(['TimeoutError', 'TimeoutError', 'TimeoutError']);
  });
});
