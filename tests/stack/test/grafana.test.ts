import { describe, expect, test } from 'vitest';
import { environmentOf, loadCompose, mountsOf } from '@dogbook/stack/compose';
import { copyOf, readRepoFile } from '../src/files';
import { promqlProblems } from '../src/promql';
import { type Dashboard, type Datasource, loadDashboard, loadDashboardProviders, loadDatasources, loadTempo } from '../src/stack-configs';

const compose = loadCompose();
const datasources = loadDatasources();
const dashboard = loadDashboard();

/** Every uid a data source's jsonData points at: the links between Tempo, Prometheus and Loki. */
function linkedUids(ds: Datasource): Array<{ where: string; uid: unknown }> {
  const json = (ds.jsonData ?? {}) as Record<string, any>;
  return [
    { where: 'serviceMap', uid: json.serviceMap?.datasourceUid },
    { where: 'tracesToLogsV2', uid: json.tracesToLogsV2?.datasourceUid },
    { where: 'tracesToMetrics', uid: json.tracesToMetrics?.datasourceUid },
    { where: 'lokiSearch', uid: json.lokiSearch?.datasourceUid },
    ...(json.exemplarTraceIdDestinations ?? []).map((d: any) => ({ where: 'exemplarTraceIdDestinations', uid: d.datasourceUid })),
    ...(json.derivedFields ?? []).map((d: any) => ({ where: 'derivedFields', uid: d.datasourceUid })),
  ]
    .filter((link) => link.uid !== undefined)
    .map((link) => ({ where: `${ds.uid}.${link.where}`, uid: link.uid }));
}

function brokenDatasourceLinks(list: Datasource[]): string[] {
  const uids = new Set(list.map((ds) => ds.uid));
  return list
    .flatMap(linkedUids)
    .filter(({ uid }) => typeof uid !== 'string' || !uids.has(uid))
    .map(({ where, uid }) => `${where} points at ${String(uid)}, which no data source has as its uid`);
}

/** Every data source a panel, a query or a variable names, and whether it exists. */
function brokenDashboardLinks(board: Dashboard, list: Datasource[]): string[] {
  const uids = new Set(list.map((ds) => ds.uid));
  const refs = [
    ...board.panels.flatMap((panel) => [
      ...(panel.type === 'text' ? [] : [{ where: `panel "${panel.title}"`, uid: panel.datasource?.uid }]),
      ...(panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}" query ${t.refId}`, uid: t.datasource?.uid })),
    ]),
    ...(board.templating?.list ?? []).map((v) => ({ where: `variable ${v.name}`, uid: v.datasource?.uid })),
  ];
  return refs
    .filter(({ uid }) => uid === undefined || !uids.has(uid))
    .map(({ where, uid }) => `${where} uses data source ${String(uid)}, which does not exist`);
}

/** String values with a Grafana variable (`$__x`, `${__x}`) behind a single, unescaped $. */
function singleDollarValues(value: unknown): string[] {
  if (typeof value === 'string') return /(?<!\$)\$(?=\{__|__)/.test(value) ? [value] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(singleDollarValues);
}

describe('Grafana data sources', () => {
  test('when Grafana provisions the data sources, then each has a uid of its own', () => {
    const uids = datasources.map((ds) => ds.uid);
    expect(uids.sort()).toEqual(['loki', 'prometheus', 'tempo']);
    expect(new Set(uids).size).toBe(uids.length);
  });

  test('when one data source links to another, then the uid it names exists', () => {
    const links = datasources.flatMap(linkedUids);
    expect(links.map((l) => l.where).sort()).toEqual([
      'loki.derivedFields',
      'prometheus.exemplarTraceIdDestinations',
      'tempo.serviceMap',
      'tempo.tracesToLogsV2',
      'tempo.tracesToMetrics',
    ]);
    expect(brokenDatasourceLinks(datasources)).toEqual([]);
  });

  test('when a link names a data source by its name instead of its uid, then the link check reports it', () => {
    const broken = copyOf(datasources);
    (broken.find((ds) => ds.uid === 'tempo')!.jsonData!.serviceMap as { datasourceUid: string }).datasourceUid = 'Prometheus';
    expect(brokenDatasourceLinks(broken)).toEqual(['tempo.serviceMap points at Prometheus, which no data source has as its uid']);
  });

  test("when an exemplar opens its trace, then Grafana reads trace_id, the label Prometheus' OTLP receiver writes the trace id under", () => {
    // The exemplars come from the collector's spanmetrics connector, over OTLP (the live suite
    // opens one by this label); Tempo's metrics-generator writes none the dashboard reads.
    expect(loadTempo().overrides?.defaults?.metrics_generator?.processors).toEqual(['service-graphs']);
    const prometheus = datasources.find((ds) => ds.type === 'prometheus')!;
    const destinations = prometheus.jsonData?.exemplarTraceIdDestinations as Array<{ name: string }>;
    expect(destinations.map((d) => d.name)).toEqual(['trace_id']);
  });

  test('when a span links to its logs, then the query selects the service by the label Loki makes of service.name and filters by trace id', () => {
    const tracesToLogs = datasources.find((ds) => ds.type === 'tempo')!.jsonData?.tracesToLogsV2 as Record<string, any>;
    expect(tracesToLogs.tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
    expect(tracesToLogs.customQuery).toBe(true);
    expect(tracesToLogs.query).toBe('{$${__tags}} | trace_id="$${__trace.traceId}"');
  });

  test('when a log line carries a trace id, then Loki links it to Tempo by the trace_id structured metadata', () => {
    const loki = datasources.find((ds) => ds.type === 'loki')!;
    expect(loki.jsonData?.derivedFields).toEqual([
      expect.objectContaining({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'tempo' }),
    ]);
  });

  test("when a provisioning value means a literal $, then it writes $$, or Grafana's env expansion eats it", () => {
    expect(singleDollarValues(datasources)).toEqual([]);
    expect(readRepoFile('grafana/provisioning/datasources/datasources.yaml')).toContain("url: '$${__value.raw}'");
  });

  test('when a Grafana variable is written with a single $, then the dollar check reports it', () => {
    const broken = copyOf(datasources);
    (broken.find((ds) => ds.uid === 'loki')!.jsonData!.derivedFields as Array<{ url: string }>)[0]!.url = '${__value.raw}';
    expect(singleDollarValues(broken)).toEqual(['${__value.raw}']);
  });
});

describe('the DogBook dashboard', () => {
  test('when Grafana loads the dashboard, then every panel, query and variable uses an existing data source', () => {
    expect(brokenDashboardLinks(dashboard, datasources)).toEqual([]);
  });

  test('when a panel names a data source that does not exist, then the dashboard check reports it', () => {
    const broken = copyOf(dashboard);
    broken.panels.find((p) => p.type === 'nodeGraph')!.targets![0]!.datasource = { type: 'tempo', uid: 'Tempo' };
    expect(brokenDashboardLinks(broken, datasources)).toEqual([
      'panel "Service graph" query A uses data source Tempo, which does not exist',
    ]);
  });

  test("when a Prometheus query runs, then it reads metrics and labels that the collector's span metrics or Tempo's service graph has", () => {
    const exprs = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...(dashboard.templating?.list ?? []).map((v) => v.query?.query),
    ].filter((e): e is string => e !== undefined);
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    for (const expr of exprs) expect(promqlProblems(expr), expr).toEqual([]);
  });

  test.each([
    [
      'rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[1m])',
      'traces_spanmetrics_calls_total is not a metric the collector or Tempo writes',
    ],
    ['rate(traces_span_metrics_calls_total{span_kind="SERVER"}[1m])', 'span_kind is never "SERVER"'],
    ['sum by (service) (rate(traces_span_metrics_calls_total[1m]))', 'span metrics cannot be grouped by service'],
    ['rate(http_server_duration_count[1m])', '"rate(http_server_duration_count[1m])" reads no span metric or service graph metric'],
  ])('when a query reads %s, then the query check says: %s', (expr, problem) => {
    expect(promqlProblems(expr)).toEqual([problem]);
  });

  test('when the dashboard opens, then it shows rate, errors and latency per service, the service graph and recent traces', () => {
    const byTitle = Object.fromEntries(dashboard.panels.map((p) => [p.title, p]));
    const exprsOf = (title: string) => (byTitle[title]?.targets ?? []).map((t) => t.expr ?? '');
    expect(exprsOf('Request rate per service')[0]).toMatch(/sum by \(service_name\) \(rate\(traces_span_metrics_calls_total/);
    expect(exprsOf('Error rate per service')[0]).toContain('status_code="STATUS_CODE_ERROR"');
    expect(exprsOf('Latency per service (p50, p95)')[0]).toMatch(/histogram_quantile\(0\.95, sum by \(le, service_name\)/);
    expect(byTitle['Service graph']).toMatchObject({ type: 'nodeGraph', targets: [{ queryType: 'serviceMap' }] });
    expect(byTitle['Recent traces']).toMatchObject({ type: 'table', targets: [{ queryType: 'traceql' }] });
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  test("when a graph asks for exemplars, then it is the latency histogram's, whose dots are single requests", () => {
    const withExemplars = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).filter((t) => t.exemplar === true).map((t) => ({ title: panel.title, expr: t.expr ?? '' })),
    );
    expect(withExemplars.map((t) => t.title)).toEqual(['Latency per service (p50, p95)']);
    expect(withExemplars[0]!.expr).toContain('traces_span_metrics_duration_seconds_bucket');
  });

  test('when no request has failed, then the error rate falls back to 0 per service, with the labels the division matches on', () => {
    const expr = dashboard.panels.find((p) => p.title === 'Error rate per service')!.targets![0]!.expr!;
    // `or vector(0)` would add one series without a service label, which matches no denominator.
    expect(expr).not.toContain('vector(0)');
    expect(expr).toContain(
      ' or (0 * sum by (service_name) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER", service_name=~"$service"}',
    );
  });

  test('when Grafana starts, then it loads the dashboard from the folder compose mounts, and opens on it', () => {
    const grafana = compose.services.grafana!;
    const mounted = mountsOf(grafana).find((m) => m.source === './grafana/dashboards')?.target;
    expect(loadDashboardProviders().map((p) => p.options?.path)).toEqual([mounted]);
    expect(environmentOf(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${mounted}/dogbook.json`);
    expect(mountsOf(grafana)).toContainEqual(
      expect.objectContaining({ source: './grafana/provisioning', target: '/etc/grafana/provisioning' }),
    );
  });

  test('when a learner opens Grafana, then no login is asked, and only on 127.0.0.1', () => {
    const grafana = compose.services.grafana!;
    const env = environmentOf(grafana);
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_DISABLE_LOGIN_FORM).toBe('true');
    // Explore needs at least Editor.
    expect(['Editor', 'Admin']).toContain(env.GF_AUTH_ANONYMOUS_ORG_ROLE);
    expect((grafana.ports ?? []).every((p) => typeof p === 'string' && p.startsWith('127.0.0.1:'))).toBe(true);
  });
});
