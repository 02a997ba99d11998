import { trace } from '@opentelemetry/api';
import { request } from 'undici';
import { z } from 'zod';
import { withSpan } from '@dogbook/tracing';
import type { Config } from './config';

const tracer = trace.getTracer('kennels');

// Neighbours are trusted no more than users: their answers are checked before use.
const inventoryAnswer = z.object({ kennelId: z.number(), dogIds: z.array(z.number()) });
const dogAnswer = z.object({ id: z.number(), name: z.string() });

/**
 * GETs a neighbour's JSON answer within the deadline; any other answer than a 2xx is an error.
 * The deadline is a timer cleared on the way out rather than `AbortSignal.timeout()`, whose timer
 * outlives the call and, under load, builds a `DOMException` with a stack trace for every call long
 * after it answered. The errors keep what the span's `error.type` should say: `TimeoutError` for
 * the deadline (the name `AbortSignal.timeout()` uses), and the network's own code such as
 * `ECONNREFUSED`.
 */
async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException(`no answer from ${url} within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  try {
    const { statusCode, body } = await request(url, { signal: deadline.signal });
    if (statusCode < 200 || statusCode > 299) {
      // undici asks that every body be read or dumped: one left unread can hold its connection.
      await body.dump();
      throw new Error(`${url} answered ${statusCode}`);
    }
    return await body.json();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * HTTP clients for the inventory and dogs services, on undici's `request()`, which keeps
 * connections alive by itself. Trace context travels in the `traceparent` header, added by the
 * undici instrumentation to every outgoing request: no code here for that. It hooks undici through
 * Node's diagnostics channels, with nothing to wrap.
 *
 * Why not Node's `fetch`, which is undici too, inside the web API's Request, Response and streams:
 * each call leaves objects that outlive V8's young generation, so under load long scavenges set
 * the tail latency. Nor axios: it goes through `http.request`, whose instrumentation wraps every
 * listener axios attaches (docs/performance.md).
 */
export function createNeighbours(config: Pick<Config, 'INVENTORY_URL' | 'DOGS_URL' | 'DOWNSTREAM_TIMEOUT_MS'>) {
  const timeoutMs = config.DOWNSTREAM_TIMEOUT_MS;
  return {
    fetchDogIds: (kennelId: number) =>
      withSpan(tracer, 'kennels.fetch_dog_ids', { 'dogbook.kennel.id': kennelId }, async () => {
        const answer = await getJson(`${config.INVENTORY_URL}/api/v1/inventory/${kennelId}`, timeoutMs);
        return inventoryAnswer.parse(answer).dogIds;
      }),

    fetchDog: (dogId: number) =>
      withSpan(tracer, 'kennels.fetch_dog', { 'dogbook.dog.id': dogId }, async () => {
        const answer = await getJson(`${config.DOGS_URL}/api/v1/dogs/${dogId}`, timeoutMs);
        return dogAnswer.parse(answer);
      }),
  };
}

export type Neighbours = ReturnType<typeof createNeighbours>;
