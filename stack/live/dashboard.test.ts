import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processMemory } from '@dogbook/processes';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, loadCompose, memoryLimitOf, service } from '../src/compose';
import { eventually, fetchTrace, getJson, promQuery, stackAddresses, stackState } from './support';

const addresses = stackAddresses();
const { pids } = stackState();
const compose = loadCompose();

/** `pnpm load` at its default rate and faults, for two minutes, through nginx. */
const REQUESTS_PER_SECOND = 5;
const DURATION_S = 120;
/** What the dashboard's queries need: two flushes of the span metrics (every 15 s) after the load. */
const SETTLE_S = 35;
const MiB = 1024 * 1024;
const SERVICES = ['dogs', 'inventory', 'kennels'];

/** Runs the load generator the way `pnpm load` does, and resolves with its exit code and output. */
function runLoad(): Promise<{ code: number | null; output: string }> {
  const cli = join(dirname(require.resolve('@dogbook/load/package.json')), 'dist', 'cli.js');
  const child = spawn(process.execPath, ['--disable-warning=DEP0060', cli], {
    env: {
      PATH: process.env.PATH,
      DOGBOOK_URL: addresses.gateway,
      LOAD_RPS: String(REQUESTS_PER_SECOND),
      LOAD_DURATION_S: String(DURATION_S),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

interface Target {
  refId: string;
  datasource?: { type?: string };
  expr?: string;
  queryType?: string;
}
interface Dashboard {
  panels: Array<{ title: string; type: string; targets?: Target[] }>;
  templating: { list: Array<{ name: string; allValue?: string; query: { query: string } }> };
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana/dashboards/dogbook.json'), 'utf8')) as Dashboard;
const datasources = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as {
  datasources: Array<{ type: string; jsonData?: Record<string, any> }>;
};
const jsonDataOf = (type: string) => datasources.datasources.find((d) => d.type === type)!.jsonData!;

/** What Grafana sends for a dashboard query with "All" services chosen. */
function asGrafanaSends(expr: string): string {
  const allServices = dashboard.templating.list.find((v) => v.name === 'service')!.allValue!;
  return expr.replaceAll('$service', allServices).replaceAll('$__rate_interval', '1m');
}

/** Why a target is not run against Prometheus here; undefined for a Prometheus query. */
function skipReason(target: Target): string | undefined {
  if (target.datasource?.type === 'prometheus') return undefined;
  if (target.queryType === 'serviceMap') {
    return "needs Tempo's metrics-generator (the service graph, traces_service_graph_*), and Tempo is AGPL, never built here";
  }
  return `a ${target.datasource?.type} query (${target.queryType}), not PromQL: Tempo is AGPL, never built here`;
}

const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, target })));
const promTargets = targets.filter(({ target }) => skipReason(target) === undefined);

let load: { code: number | null; output: string };

beforeAll(
  async () => {
    const started = Date.now();
    load = await runLoad();
    await sleep(SETTLE_S * 1000);
    console.log(`pnpm load, then ${SETTLE_S} s: ${Math.round((Date.now() - started) / 1000)} s`);
  },
  (DURATION_S + SETTLE_S + 60) * 1000,
);

describe(`the stack under pnpm load (${REQUESTS_PER_SECOND} requests/s for ${DURATION_S} s, through nginx)`, () => {
  test('when the load has run, then every request was answered and each backend stayed within its compose memory limit', () => {
    const rows = ['otel-collector', 'prometheus'].map((name) => ({
      name,
      // Every backend has one (the stack checks hold compose to it); 0 would fail the check below.
      limit: memoryLimitOf(service(compose, name)) ?? 0,
      ...processMemory(pids[name]!),
    }));
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    console.log(
      [
        // From its closing summary: how many requests went, and what came back.
        ...load.output.split('\n').filter((line) => /^ {2}(sent|answers|faults) /.test(line)),
        'backend          compose limit  peak RSS  RSS now',
        ...rows.map((r) => `${r.name.padEnd(17)}${mib(r.limit).padStart(13)}${mib(r.peak).padStart(10)}${mib(r.rss).padStart(9)}`),
      ].join('\n'),
    );
    expect(load.code, load.output).toBe(0);
    for (const row of rows) expect(row.peak, `${row.name} peak RSS`).toBeLessThan(row.limit);
  });

  test('when the dashboard lists its services, then the variable query finds all three in the span metrics', async () => {
    const query = dashboard.templating.list.find((v) => v.name === 'service')!.query.query;
    const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(query)!;
    const body = await getJson<{ data: string[] }>(
      `${addresses.prometheus}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric!)}`,
    );
    expect(body.data.sort()).toEqual(SERVICES);
  });

  test('when the dashboard is read, then its Prometheus queries are found: rate, errors and two latencies', () => {
    expect(promTargets.map(({ panel, target }) => `${panel} ${target.refId}`)).toHaveLength(4);
  });

  test.each(promTargets.map(({ panel, target }) => [panel, target.refId, target.expr!]))(
    'when the panel "%s" (query %s) runs, then Prometheus returns a series for every service',
    async (_panel, _refId, expr) => {
      const result = await promQuery(addresses.prometheus, asGrafanaSends(expr));
      expect(result.map((s) => s.metric.service_name).sort(), expr).toEqual(SERVICES);
      for (const series of result) expect(Number.isFinite(Number(series.value[1])), expr).toBe(true);
    },
  );

  for (const { panel, target } of targets.filter(({ target }) => skipReason(target) !== undefined)) {
    test.skip(`the panel "${panel}" (query ${target.refId}) skipped: ${skipReason(target)}`, () => {});
  }

  test("when a span's related metrics open, then the Tempo data source's Prometheus queries return data", async () => {
    const { tags, queries } = jsonDataOf('tempo').tracesToMetrics as {
      tags: Array<{ key: string; value: string }>;
      queries: Array<{ name: string; query: string }>;
    };
    expect(tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
    for (const { name, query } of queries) {
      // Provisioning writes $ as $$; Grafana fills $__tags with the span's tags mapped to labels.
      const expr = query.replaceAll('$$', '$').replaceAll('$__tags', 'service_name="kennels"').replaceAll('$__rate_interval', '1m');
      expect((await promQuery(addresses.prometheus, expr)).length, name).toBeGreaterThan(0);
    }
  });

  test('when an exemplar on the latency graph is opened, then its trace id, under the label Grafana reads, is a trace the stack holds', async () => {
    const label = (jsonDataOf('prometheus').exemplarTraceIdDestinations as Array<{ name: string }>)[0]!.name;
    const withExemplars = targets.find(({ target }) => (target as { exemplar?: boolean }).exemplar === true)!;
    const end = Date.now() / 1000;
    const params = new URLSearchParams({ query: asGrafanaSends(withExemplars.target.expr!), start: String(end - 300), end: String(end) });
    const body = await getJson<{
      data: Array<{ seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string> }> }>;
    }>(`${addresses.prometheus}/api/v1/query_exemplars?${params}`);
    const exemplars = body.data.flatMap((series) => series.exemplars);
    expect(exemplars.length).toBeGreaterThan(0);
    const traceIds = exemplars.map((e) => e.labels[label]);
    for (const traceId of traceIds) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // Five of them, from the last five minutes: the viewer keeps thousands of traces, so these are there.
    for (const traceId of traceIds.slice(-5)) {
      const trace = await eventually(async () => {
        const found = await fetchTrace(addresses, traceId!);
        expect(found).toBeDefined();
        return found!;
      });
      expect(trace.spans.length).toBeGreaterThan(0);
    }
  });
});
