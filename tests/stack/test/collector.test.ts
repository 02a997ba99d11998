import { describe, expect, test } from 'vitest';
import { builtServices, envOf, loadCompose } from '../src/compose';
import { copyOf, parseAddress, readRepoFile } from '../src/files';
import { type CollectorConfig, loadCollector } from '../src/stack-configs';

const collector = loadCollector();
const compose = loadCompose();

/** Exporter names the collector no longer accepts, or only as deprecated aliases (v0.111, v0.144). */
const RETIRED_EXPORTERS: Record<string, string> = {
  logging: 'removed in v0.111: use debug',
  otlp: 'a deprecated alias since v0.144: use otlp_grpc',
  otlphttp: 'a deprecated alias since v0.144: use otlp_http',
};

const typeOf = (id: string) => id.split('/')[0]!;

/** Pipelines must only name declared components, and declared exporters must not be retired names. */
function collectorProblems(config: CollectorConfig): string[] {
  const pipelines = Object.entries(config.service?.pipelines ?? {});
  const undeclared = pipelines.flatMap(([name, pipeline]) =>
    (['receivers', 'processors', 'exporters'] as const).flatMap((kind) =>
      (pipeline[kind] ?? [])
        .filter((id) => !(id in (config[kind] ?? {})))
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
    broken.exporters!['logging'] = {};
    broken.service!.pipelines!.traces!.exporters = ['otlp_grpc/tmepo'];
    expect(collectorProblems(broken)).toEqual([
      'pipeline traces uses otlp_grpc/tmepo, which is not declared under exporters',
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
    const sent = new Set(builtServices(compose).flatMap((name) => signalsSentBy(envOf(compose.services[name]!))));
    expect([...sent].sort()).toEqual(['logs', 'traces']);
    for (const signal of sent) {
      expect(collector.service?.pipelines?.[signal]?.receivers, signal).toContain('otlp');
    }
  });

  test('when the collector forwards, then traces go to Tempo and logs go to Loki', () => {
    expect(collector.service?.pipelines?.traces?.exporters).toEqual(['otlp_grpc/tempo']);
    expect(collector.service?.pipelines?.logs?.exporters).toEqual(['otlp_http/loki']);
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
