import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { ADDRESSES_PATH, STATE_PATH, type State } from '../src/paths';
import type { Addresses } from '../src/stack';

/** The running stack's addresses; the suite needs `pnpm stack:up` (or runs as `pnpm stack:test`). */
export function stackAddresses(): Addresses {
  if (!existsSync(ADDRESSES_PATH)) throw new Error(`${ADDRESSES_PATH} is missing: run pnpm stack:up first`);
  return JSON.parse(readFileSync(ADDRESSES_PATH, 'utf8')) as Addresses;
}

/** The stack's process ids and binaries, from the supervisor's state file. */
export function stackState(): State {
  return JSON.parse(readFileSync(STATE_PATH, 'utf8')) as State;
}

/** Requests kennel 2 through nginx and returns the trace id from the traceresponse header. */
export async function requestKennel(gateway: string, id = 2): Promise<{ traceId: string; status: number; at: number }> {
  const at = Date.now();
  const response = await fetch(`${gateway}/api/v1/kennels/${id}`);
  await response.arrayBuffer();
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(response.headers.get('traceresponse') ?? '');
  if (!match) throw new Error(`no traceresponse header on the answer (status ${response.status})`);
  return { traceId: match[1]!, status: response.status, at };
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

/**
 * Writes samples into Prometheus by remote write, with promtool of the same release: the way Tempo's
 * metrics-generator writes span metrics. `exposition` is in Prometheus' text format.
 */
export function remoteWrite(promtool: string, prometheus: string, exposition: string, labels: Record<string, string> = {}): void {
  // promtool appends the path, /api/v1/write (--remote-write.path).
  const args = ['push', 'metrics', prometheus, ...Object.entries(labels).map(([k, v]) => `--label=${k}=${v}`)];
  const result = spawnSync(promtool, args, { input: exposition, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`promtool push metrics failed: ${result.stdout}${result.stderr}`);
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
