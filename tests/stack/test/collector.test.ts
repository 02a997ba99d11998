import { describe, expect, test } from 'vitest';
import { commandOf, environmentOf, loadCompose, mountsOf, TAIL_SAMPLING_COMPOSE } from '@dogbook/stack/compose';
import { builtServices } from '../src/compose';
import { copyOf, parseAddress, readRepoFile } from '../src/files';
import { type CollectorConfig, loadCollector, loadTailSampling } from '../src/stack-configs';

const collector = loadCollector();
const compose = loadCompose();

/** Exporter names the collector no longer accepts, or only as deprecated aliases (v0.111, v0.144). */
const RETIRED_EXPORTERS: Record<string, string> = {
  logging: 'removed in v0.111: use debug',
  otlp: 'a deprecated alias since v0.144: use otlp_grpc',
  otlphttp: 'a deprecated alias since v0.144: use otlp_http',
};

const typeOf = (id: string) => id.split('/')[0]!;

/**
 * Pipelines must only name declared components (a connector is one pipeline's exporter and another's
 * receiver), and declared exporters must not be retired names.
 */
function collectorProblems(config: CollectorConfig): string[] {
  const pipelines = Object.entries(config.service?.pipelines ?? {});
  const declared = (kind: 'receivers' | 'processors' | 'exporters', id: string) =>
    id in (config[kind] ?? {}) || (kind !== 'processors' && id in (config.connectors ?? {}));
  const undeclared = pipelines.flatMap(([name, pipeline]) =>
    (['receivers', 'processors', 'exporters'] as const).flatMap((kind) =>
      (pipeline[kind] ?? [])
        .filter((id) => !declared(kind, id))
        .map((id) => `pipeline ${name} uses ${id}, which is not declared under ${kind}`),
    ),
  );
  const retired = Object.keys(config.exporters ?? {})
    .filter((id) => typeOf(id) in RETIRED_EXPORTERS)
    .map((id) => `exporter ${id}: ${RETIRED_EXPORTERS[typeOf(id)]}`);
  return [...undeclared, ...retired];
}

/**
 * The signals a service sends. The tracing package sends traces unless OTEL_TRACES_EXPORTER says
 * otherwise, and logs and metrics only when OTEL_LOGS_EXPORTER / OTEL_METRICS_EXPORTER ask for them.
 */
function signalsSentBy(env: Record<string, string>): string[] {
  const on = (value: string | undefined, byDefault: boolean) => (value === undefined ? byDefault : value !== 'none');
  return [
    ...(on(env.OTEL_TRACES_EXPORTER, true) ? ['traces'] : []),
    ...(on(env.OTEL_METRICS_EXPORTER, false) ? ['metrics'] : []),
    ...(on(env.OTEL_LOGS_EXPORTER, false) ? ['logs'] : []),
  ];
}

describe('otel-config.yaml', () => {
  test('when the file is loaded, then every pipeline names declared components and no retired exporter', () => {
    expect(collectorProblems(collector)).toEqual([]);
  });

  test('when a pipeline names a typo or a retired exporter, then the collector check reports it', () => {
    const broken = copyOf(collector);
    broken.exporters!.logging = {};
    broken.service!.pipelines!.traces!.exporters = ['otlp_http/tmepo'];
    expect(collectorProblems(broken)).toEqual([
      'pipeline traces uses otlp_http/tmepo, which is not declared under exporters',
      'exporter logging: removed in v0.111: use debug',
    ]);
  });

  test('when the tracing package starts the SDK, then metrics and logs stay off unless a variable turns them on', () => {
    // signalsSentBy above relies on these defaults; if the package changes them, this fails first.
    const sdk = readRepoFile('packages/tracing/src/sdk.ts');
    expect(sdk).toMatch(/process\.env\.OTEL_METRICS_EXPORTER \?\?= 'none'/);
    expect(sdk).toMatch(/process\.env\.OTEL_LOGS_EXPORTER \?\?= 'none'/);
  });

  test('when a service sends a signal, then the collector has a pipeline that receives it over OTLP', () => {
    const sent = new Set(builtServices(compose).flatMap((name) => signalsSentBy(environmentOf(compose.services[name]!))));
    expect([...sent].sort()).toEqual(['logs', 'traces']);
    for (const signal of sent) {
      expect(collector.service?.pipelines?.[signal]?.receivers, signal).toContain('otlp');
    }
  });

  test('when the collector forwards, then traces go to Tempo, logs to Loki, and span metrics made of every span to Prometheus', () => {
    const pipelines = collector.service?.pipelines ?? {};
    expect(pipelines.traces?.exporters).toEqual(['otlp_http/tempo']);
    expect(pipelines.logs?.exporters).toEqual(['otlp_http/loki']);
    // The spanmetrics connector ends a traces pipeline of its own and starts the metrics one.
    expect(pipelines['traces/metrics']).toMatchObject({ receivers: ['otlp'], exporters: ['spanmetrics'] });
    expect(pipelines.metrics).toMatchObject({ receivers: ['spanmetrics'], exporters: ['otlp_http/prometheus'] });
    expect(collector.exporters?.['otlp_http/prometheus']?.endpoint).toBe('http://prometheus:9090/api/v1/otlp');
    expect(commandOf(compose.services.prometheus!)).toContain('--web.enable-otlp-receiver');
  });

  test('when spans become metrics, then each data point keeps trace ids as exemplars, and Prometheus stores them', () => {
    const spanmetrics = collector.connectors?.spanmetrics as { exemplars?: { enabled?: boolean }; histogram?: { unit?: string } };
    expect(spanmetrics.exemplars?.enabled).toBe(true);
    // Seconds, so that Prometheus names the histogram traces_span_metrics_duration_seconds.
    expect(spanmetrics.histogram?.unit).toBe('s');
    expect(commandOf(compose.services.prometheus!)).toContain('--enable-feature=exemplar-storage');
  });
  test('when another container connects, then every receiver and the health check listen on all interfaces', () => {
    const endpoints = [
      ...Object.values(collector.receivers?.otlp?.protocols ?? {}).map((protocol) => protocol?.endpoint),
      collector.extensions?.health_check?.endpoint,
    ];
    expect(endpoints.length).toBe(3);
    for (const endpoint of endpoints) {
      expect(endpoint).toBeDefined();
      expect(parseAddress(endpoint!).host).toBe('0.0.0.0');
    }
    expect(collector.service?.extensions).toEqual(['health_check']);
  });

  test('when the file reads an environment variable, then it uses the ${env:VAR} form the collector requires', () => {
    const bare = [...readRepoFile('otel-config.yaml').matchAll(/\$\{(?!env:)[^}]*\}/g)].map((m) => m[0]);
    expect(bare).toEqual([]);
  });

  test('when memory runs short, then the limiter is the first processor of every pipeline', () => {
    for (const [name, pipeline] of Object.entries(collector.service?.pipelines ?? {})) {
      expect(pipeline.processors?.[0], name).toBe('memory_limiter');
    }
  });
});

describe('otel-tail-sampling.yaml, merged over otel-config.yaml', () => {
  const sampling = loadTailSampling();
  type Policy = {
    type: string;
    status_code?: { status_codes: string[] };
    latency?: { threshold_ms: number };
    probabilistic?: { sampling_percentage: number };
  };
  const policies = (sampling.processors?.tail_sampling as { policies: Policy[] } | undefined)?.policies ?? [];

  test('when a trace has an error or is slow, then a policy keeps it; of the rest, a stated share', () => {
    expect(policies.find((p) => p.type === 'status_code')?.status_code?.status_codes).toEqual(['ERROR']);
    expect(policies.find((p) => p.type === 'latency')?.latency?.threshold_ms).toBeGreaterThan(0);
    const share = policies.find((p) => p.type === 'probabilistic')?.probabilistic?.sampling_percentage;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(100);
  });

  test('when the files merge, then only the stored traces are sampled: the span metrics still see every span', () => {
    // The collector replaces a list from an earlier file with the later file's.
    expect(sampling.service?.pipelines).toEqual({ traces: { processors: ['memory_limiter', 'tail_sampling'] } });
    expect(collector.service?.pipelines?.['traces/metrics']?.processors).toEqual(['memory_limiter']);
    expect(Object.keys(sampling).sort()).toEqual(['processors', 'service']);
  });

  test('when compose runs with docker-compose.tail-sampling.yml, then the collector reads both files, otel-config.yaml first', () => {
    expect(Object.keys(loadCompose([TAIL_SAMPLING_COMPOSE]).services)).toEqual(['otel-collector']);
    const merged = loadCompose(['docker-compose.yml', TAIL_SAMPLING_COMPOSE]).services['otel-collector']!;
    const mounted = Object.fromEntries(mountsOf(merged).map((mount) => [mount.target, mount.source]));
    const files = commandOf(merged).map((arg) => mounted[arg.replace(/^--config=/, '')]);
    expect(files).toEqual(['./otel-config.yaml', './otel-tail-sampling.yaml']);
  });
});
