import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/compose';
import { eventually, getJson, promQuery, remoteWrite, stackAddresses, stackState } from './support';

const addresses = stackAddresses();
const prometheus = addresses.prometheus;
const promtool = stackState().binaries.promtool!;

/**
 * Span metrics as Tempo's metrics-generator writes them (names, labels, label values), for services
 * of this test's own, so that nothing a real Tempo writes is counted. Two writes 30 s apart give
 * rate() its two samples.
 */
const RUN = `live${Date.now()}`;
const HEALTHY = [`${RUN}-kennels`, `${RUN}-dogs`];
const FAILING = `${RUN}-inventory`;
const SERVICE_MATCH = `${RUN}-.*`;

function spanMetrics(round: number, timestampMs: number): string {
  const series = (service: string, status: string, calls: number) => {
    const labels = `service="${service}",span_name="GET /api/v1/x",span_kind="SPAN_KIND_SERVER",status_code="${status}"`;
    // Every call took 0.1-0.25 s: the 0.25 bucket and above hold them all.
    const buckets = ['0.1', '0.25', '0.5', '+Inf']
      .map((le) => `traces_spanmetrics_latency_bucket{${labels},le="${le}"} ${le === '0.1' ? 0 : calls} ${timestampMs}`)
      .join('\n');
    return `traces_spanmetrics_calls_total{${labels}} ${calls} ${timestampMs}\n${buckets}\n` +
      `traces_spanmetrics_latency_count{${labels}} ${calls} ${timestampMs}\n` +
      `traces_spanmetrics_latency_sum{${labels}} ${calls * 0.2} ${timestampMs}`;
  };
  return [
    ...HEALTHY.map((service) => series(service, 'STATUS_CODE_UNSET', 30 * round)),
    // Half of the failing service's calls fail.
    series(FAILING, 'STATUS_CODE_UNSET', 15 * round),
    series(FAILING, 'STATUS_CODE_ERROR', 15 * round),
  ].join('\n') + '\n';
}

interface Dashboard {
  panels: Array<{ title: string; targets?: Array<{ expr?: string; exemplar?: boolean }> }>;
}

/** What Grafana sends for a dashboard query: its variables filled in. */
function asGrafanaSends(expr: string): string {
  return expr.replaceAll('$service', SERVICE_MATCH).replaceAll('$__rate_interval', '1m');
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana/dashboards/dogbook.json'), 'utf8')) as Dashboard;
const panelExpr = (title: string) => dashboard.panels.find((p) => p.title === title)!.targets![0]!.expr!;

describe('Prometheus, started with prometheus.yaml and compose flags', () => {
  test('when Prometheus starts with prometheus.yaml, then the configuration loads and Prometheus scrapes itself', async () => {
    // Prometheus knows its own metrics only once it has scraped itself: up to a scrape interval
    // (15 s) after it became ready.
    await eventually(async () => {
      expect(await promQuery(prometheus, 'prometheus_config_last_reload_successful')).toEqual([
        expect.objectContaining({ value: [expect.any(Number), '1'] }),
      ]);
    });
    const jobs = await eventually(async () => {
      const up = await promQuery(prometheus, 'up{job="prometheus"}');
      expect(up.map((s) => s.value[1])).toEqual(['1']);
      return up;
    });
    expect(jobs).toHaveLength(1);
  });

  test('when Tempo would write span metrics, then the remote-write receiver and exemplar storage are on', async () => {
    const flags = await getJson<{ data: Record<string, string> }>(`${prometheus}/api/v1/status/flags`);
    expect(flags.data['web.enable-remote-write-receiver']).toBe('true');
    expect(flags.data['enable-feature']).toContain('exemplar-storage');
  });
});

describe("the dashboard's queries, on span metrics written the way Tempo writes them", () => {
  beforeAll(() => {
    const now = Date.now();
    remoteWrite(promtool, prometheus, spanMetrics(1, now - 30_000), { source: 'tempo' });
    remoteWrite(promtool, prometheus, spanMetrics(2, now), { source: 'tempo' });
  });

  test('when span metrics arrive by remote write, then Prometheus stores them as sent', async () => {
    const stored = await eventually(async () => {
      const result = await promQuery(prometheus, `traces_spanmetrics_calls_total{service="${HEALTHY[0]}"}`);
      expect(result).toHaveLength(1);
      return result[0]!;
    });
    expect(stored.metric).toMatchObject({ source: 'tempo', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET' });
    expect(stored.value[1]).toBe('60');
  });

  test('when no request of a service failed, then the error-rate panel shows 0 for it, and the share for one that failed', async () => {
    const result = await promQuery(prometheus, asGrafanaSends(panelExpr('Error rate per service')));
    const byService = Object.fromEntries(result.map((s) => [s.metric.service, Number(s.value[1])]));
    expect(byService).toEqual({ [HEALTHY[0]!]: 0, [HEALTHY[1]!]: 0, [FAILING]: 0.5 });
  });

  test('when span metrics exist, then every Prometheus query of the dashboard returns data for each service', async () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).filter((e): e is string => !!e);
    expect(exprs.length).toBeGreaterThanOrEqual(4);
    for (const expr of exprs) {
      const services = (await promQuery(prometheus, asGrafanaSends(expr))).map((s) => s.metric.service).sort();
      expect(services, expr).toEqual([...HEALTHY, FAILING].sort());
    }
    const latency = await promQuery(prometheus, asGrafanaSends(panelExpr('Latency per service (p50, p95)')));
    // p95 of calls that all fell between 0.1 and 0.25 s.
    for (const series of latency) {
      expect(Number(series.value[1])).toBeGreaterThan(0.1);
      expect(Number(series.value[1])).toBeLessThanOrEqual(0.25);
    }
  });

  test("when a span's related metrics open, then the Tempo data source's Prometheus queries return data", async () => {
    const datasources = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as {
      datasources: Array<{ type: string; jsonData?: { tracesToMetrics?: { queries: Array<{ name: string; query: string }> } } }>;
    };
    const queries = datasources.datasources.find((d) => d.type === 'tempo')!.jsonData!.tracesToMetrics!.queries;
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const { name, query } of queries) {
      // Provisioning writes $ as $$; Grafana fills $__tags with the span's tags mapped to labels.
      const expr = query.replaceAll('$$', '$').replaceAll('$__tags', `service="${FAILING}"`).replaceAll('$__rate_interval', '1m');
      const result = await promQuery(prometheus, expr);
      expect(result.length, name).toBeGreaterThan(0);
    }
  });
});
