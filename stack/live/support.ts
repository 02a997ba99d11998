import { existsSync, readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { ADDRESSES_PATH, STATE_PATH, type State } from '../src/paths';
import type { Addresses } from '../src/stack';

/** The running stack's addresses; the suite needs `pnpm stack:up` (or runs as `pnpm stack:test`). */
export function stackAddresses(): Addresses {
  if (!existsSync(ADDRESSES_PATH)) throw new Error(`${ADDRESSES_PATH} is missing: run pnpm stack:up first`);
  return JSON.parse(readFileSync(ADDRESSES_PATH, 'utf8')) as Addresses;
}

/** The stack's process ids, binaries and compose files, from the supervisor's state file. */
export function stackState(): State {
  return JSON.parse(readFileSync(STATE_PATH, 'utf8')) as State;
}

export interface Answer {
  status: number;
  traceId: string;
  /** The span the traceresponse header names: kennels' server span. */
  spanId: string;
}

/**
 * Requests kennel `id` through nginx, with `baggage` when given (a fault, a learner name), and
 * returns the status and the ids from the traceresponse header.
 */
export async function requestKennel(gateway: string, { id = 2, baggage }: { id?: number; baggage?: string } = {}): Promise<Answer> {
  const response = await fetch(`${gateway}/api/v1/kennels/${id}`, { headers: baggage ? { baggage } : {} });
  await response.arrayBuffer();
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(response.headers.get('traceresponse') ?? '');
  if (!match) throw new Error(`no traceresponse header on the answer (status ${response.status})`);
  return { status: response.status, traceId: match[1]!, spanId: match[2]! };
}

/** Polls `attempt` until it returns without throwing: backends ingest in batches. */
export function eventually<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  return vi.waitFor(attempt, { timeout: timeoutMs, interval: 500 });
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${body}`);
  return JSON.parse(body) as T;
}

/** A span as the trace viewer returns it (packages/trace-viewer/README.md). */
export interface ViewerSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  serviceName: string;
  status: { code: string };
}

/** The trace the viewer (in Tempo's place) holds under this id, or undefined when it holds none. */
export async function fetchTrace(addresses: Addresses, traceId: string): Promise<{ spans: ViewerSpan[] } | undefined> {
  const response = await fetch(`${addresses.traces}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`trace ${traceId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { spans: ViewerSpan[] };
}

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant PromQL query; fails unless Prometheus answers `success`. */
export async function promQuery(prometheus: string, expr: string): Promise<PromSeries[]> {
  const body = await getJson<{ status: string; data: { resultType: string; result: PromSeries[] } }>(
    `${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (body.status !== 'success') throw new Error(`${expr}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Runs `task` over `items`, `concurrency` at a time, keeping the results in order. */
export async function inBatches<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    results.push(...(await Promise.all(items.slice(i, i + concurrency).map(task))));
  }
  return results;
}

/**
 * The sum of one metric's samples in the collector's own metrics (Prometheus text format), over
 * the series whose labels include `labels`.
 */
export function metricSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

export async function collectorMetrics(addresses: Addresses): Promise<string> {
  const response = await fetch(addresses.collectorMetrics);
  if (!response.ok) throw new Error(`collector metrics: ${response.status}`);
  return response.text();
}
