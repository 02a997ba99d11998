/**
 * The DogBook API, as the page calls it: every request carries the learner's name, and the fault
 * picked for it, as W3C baggage. Baggage set on the OpenTelemetry context is written into the
 * `baggage` header by the propagator, the same one that writes `traceparent`.
 */
import { context, propagation } from '@opentelemetry/api';

export interface Dog {
  id: number;
  /** null when the dogs service did not answer for this dog: kennels answers with what it has. */
  name: string | null;
}

export interface Kennel {
  id: number;
  name: string;
  dogs: Dog[];
}

export interface Answer<T> {
  ok: boolean;
  status: number;
  /** The answer's body when ok; otherwise undefined. */
  body?: T;
  /** The API's own `{"error": ...}` text, or what went wrong on the way. */
  error?: string;
  /** From the `traceresponse` header (00-<trace id>-<span id>-<flags>). */
  traceId?: string;
}

/** Baggage members as `key=value`, e.g. `dogbook.fault.dogs.4=error`. */
export async function getJson<T>(path: string, members: string[]): Promise<Answer<T>> {
  let baggage = propagation.createBaggage();
  for (const member of members) {
    const at = member.indexOf('=');
    baggage = baggage.setEntry(member.slice(0, at), { value: member.slice(at + 1) });
  }
  let response: Response;
  try {
    // fetch() starts inside this context, so its span and its headers carry the baggage.
    response = await context.with(propagation.setBaggage(context.active(), baggage), () =>
      fetch(path, { headers: { accept: 'application/json' } }),
    );
  } catch (error) {
    return { ok: false, status: 0, error: `no answer: ${(error as Error).message}` };
  }
  const traceId = /^[0-9a-f]{2}-([0-9a-f]{32})-/.exec(response.headers.get('traceresponse') ?? '')?.[1];
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { ok: true, status: response.status, body: body as T, traceId };
  const error = (body as { error?: unknown } | undefined)?.error;
  return { ok: false, status: response.status, error: typeof error === 'string' ? error : response.statusText, traceId };
}
