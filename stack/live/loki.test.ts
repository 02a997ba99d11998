import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/compose';
import { eventually, getJson, requestKennel, stackAddresses } from './support';

const addresses = stackAddresses();

interface LokiStream {
  stream: Record<string, string>;
  /** [timestamp in ns, line, { structuredMetadata, parsed }] with categorized labels. */
  values: Array<[string, string, { structuredMetadata?: Record<string, string> }?]>;
}

/**
 * A LogQL query over the last `minutes`, labels categorized: stream labels in `stream`, structured
 * metadata beside each line, as Grafana asks for them.
 */
async function logql(query: string, minutes = 10): Promise<LokiStream[]> {
  const end = Date.now() * 1e6;
  const start = end - minutes * 60 * 1e9;
  const params = new URLSearchParams({ query, start: String(start), end: String(end), limit: '1000' });
  const body = await getJson<{ status: string; data: { result: LokiStream[] } }>(
    `${addresses.loki}/loki/api/v1/query_range?${params}`,
    { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' },
  );
  expect(body.status).toBe('success');
  return body.data.result;
}

/** The LogQL Grafana runs for "Logs for this span" (Tempo data source, tracesToLogsV2). */
function tracesToLogsQuery(serviceName: string, traceId: string): string {
  const file = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as {
    datasources: Array<{ type: string; jsonData?: Record<string, any> }>;
  };
  const link = file.datasources.find((d) => d.type === 'tempo')!.jsonData!.tracesToLogsV2 as {
    tags: Array<{ key: string; value: string }>;
    query: string;
  };
  // Provisioning writes $ as $$. Grafana turns each mapped span tag into label="value".
  const tags = link.tags
    .map(({ key, value }) => `${value}="${key === 'service.name' ? serviceName : ''}"`)
    .join(', ');
  return link.query.replaceAll('$$', '$').replaceAll('${__tags}', tags).replaceAll('${__trace.traceId}', traceId);
}

describe("Loki, holding the services' logs", () => {
  test("when kennel 2 is requested, then Loki holds each service's log lines of that trace, service_name a label and trace_id structured metadata", async () => {
    const { traceId, status } = await requestKennel(addresses.gateway);
    expect(status).toBe(200);
    const streams = await eventually(async () => {
      const result = await logql(`{service_name=~"kennels|inventory|dogs"} | trace_id="${traceId}"`);
      expect(new Set(result.map((s) => s.stream.service_name))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
      return result;
    });
    for (const { stream, values } of streams) {
      // trace_id would make every request a stream of its own: it must stay out of the labels.
      expect(Object.keys(stream)).not.toContain('trace_id');
      for (const [, line, metadata] of values) {
        expect(metadata?.structuredMetadata?.trace_id, line).toBe(traceId);
        expect(metadata?.structuredMetadata?.span_id, line).toMatch(/^[0-9a-f]{16}$/);
      }
    }
  });

  test("when a learner opens a span's logs, then the Tempo data source's LogQL returns the lines of that trace", async () => {
    const { traceId } = await requestKennel(addresses.gateway);
    const query = tracesToLogsQuery('kennels', traceId);
    expect(query).toBe(`{service_name="kennels"} | trace_id="${traceId}"`);
    const lines = await eventually(async () => {
      const result = await logql(query);
      const values = result.flatMap((s) => s.values);
      expect(values.length).toBeGreaterThan(0);
      return values;
    });
    for (const [, line, metadata] of lines) expect(metadata?.structuredMetadata?.trace_id, line).toBe(traceId);
    // The request's own log line ("request completed", from pino-http) is among them.
    expect(lines.some(([, line, metadata]) => line === 'request completed' && metadata?.structuredMetadata?.req_url === '/api/v1/kennels/2')).toBe(true);
  });

  test("when another trace's id is asked for, then the query returns none of this one's lines", async () => {
    const { traceId } = await requestKennel(addresses.gateway);
    await eventually(async () => expect((await logql(tracesToLogsQuery('kennels', traceId))).length).toBeGreaterThan(0));
    const other = traceId.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await logql(tracesToLogsQuery('kennels', other))).toEqual([]);
  });
});
