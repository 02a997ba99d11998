import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, environmentOf, loadCompose, service } from '../src/compose';
import { type Backend, PORT_NAMES, type Ports, localEnvironment, nginxUpstreams, planBackend, substitute } from '../src/local-config';

const compose = loadCompose();
const STACK_DIR = '/home/learner/dogbook/.stack';
// Distinct, recognisable ports: 20001, 20002, ... in PORT_NAMES order.
const ports = Object.fromEntries(PORT_NAMES.map((name, i) => [name, 20_001 + i])) as unknown as Ports;

/** Every scalar in a parsed YAML document, by its dotted path (`scrape_configs.0.job_name`). */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  if (value === null || typeof value !== 'object') return new Map([[path, value]]);
  return new Map(
    Object.entries(value).flatMap(([key, child]) => [...leaves(child, path ? `${path}.${key}` : key)]),
  );
}

/** The paths whose values differ, and any path present in one document only. */
function changedKeys(original: string, local: string): string[] {
  const before = leaves(parse(original));
  const after = leaves(parse(local));
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => !before.has(path) || !after.has(path) || before.get(path) !== after.get(path));
}

function changedLines(original: string, local: string): number {
  const after = local.split('\n');
  return original.split('\n').filter((line, i) => line !== after[i]).length;
}

const committed = (source: string) => readFileSync(join(REPO_ROOT, source), 'utf8');

/** What each committed file may differ in, here: addresses and volume paths, nothing else. */
const ADDRESS_KEYS: Record<Backend, { file: string; keys: string[] }> = {
  'otel-collector': {
    file: 'otel-config.yaml',
    keys: [
      'extensions.health_check.endpoint',
      'receivers.otlp.protocols.grpc.endpoint',
      'receivers.otlp.protocols.http.endpoint',
      'exporters.otlp_grpc/tempo.endpoint',
      'exporters.otlp_http/loki.endpoint',
    ],
  },
  tempo: {
    file: 'tempo.yaml',
    keys: [
      'distributor.receivers.otlp.protocols.grpc.endpoint',
      'metrics_generator.storage.path',
      'metrics_generator.storage.remote_write.0.url',
      'storage.trace.wal.path',
      'storage.trace.local.path',
    ],
  },
  loki: {
    file: 'loki.yaml',
    keys: ['common.path_prefix', 'common.storage.filesystem.chunks_directory', 'common.storage.filesystem.rules_directory'],
  },
  prometheus: {
    file: 'prometheus.yaml',
    keys: ['scrape_configs.0.static_configs.0.targets.0', 'scrape_configs.1.static_configs.0.targets.0'],
  },
};

describe('the committed files, as the stack runs them here', () => {
  test.each(Object.entries(ADDRESS_KEYS))(
    'when %s runs here, then only its addresses and volume paths differ from the committed file',
    (backend, { file, keys }) => {
      const plan = planBackend(compose, backend as Backend, ports, STACK_DIR);
      expect(plan.files.map((f) => f.source)).toEqual([file]);
      const { text } = plan.files[0]!;
      expect(changedKeys(committed(file), text).sort()).toEqual([...keys].sort());
      // Comments and layout untouched: one changed line per changed value.
      expect(changedLines(committed(file), text)).toBe(keys.length);
      const after = leaves(parse(text));
      for (const key of keys) expect(String(after.get(key))).toMatch(/127\.0\.0\.1:2\d{4}|^\/home\/learner\/dogbook\/\.stack\/data\//);
    },
  );

  test('when a mapping also changed a value that is not an address, then the key check reports it', () => {
    const original = committed('loki.yaml');
    const broken = substitute(original, { '/loki': `${STACK_DIR}/data/loki-data`, warn: 'debug' });
    expect(changedKeys(original, broken)).toContain('server.log_level');
  });

  test('when the collector sends to Tempo and Loki, then it dials the ports the stack gave them', () => {
    const { text } = planBackend(compose, 'otel-collector', ports, STACK_DIR).files[0]!;
    const config = parse(text);
    expect(config.exporters['otlp_grpc/tempo'].endpoint).toBe(`127.0.0.1:${ports.tempoOtlpGrpc}`);
    expect(config.exporters['otlp_http/loki'].endpoint).toBe(`http://127.0.0.1:${ports.lokiHttp}/otlp`);
  });
});

describe("the backends' command lines", () => {
  test("when Prometheus starts, then it gets compose's flags, with the file and the volume mapped, and listens on 127.0.0.1", () => {
    const { args } = planBackend(compose, 'prometheus', ports, STACK_DIR);
    expect(args).toEqual([
      `--config.file=${STACK_DIR}/config/prometheus.yaml`,
      `--storage.tsdb.path=${STACK_DIR}/data/prometheus-data`,
      ...(service(compose, 'prometheus').command ?? []).slice(2),
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
    ]);
    expect(args).toContain('--web.enable-remote-write-receiver');
  });

  test.each([
    ['loki', ports.lokiHttp, ports.lokiGrpc],
    ['tempo', ports.tempoHttp, ports.tempoGrpc],
  ] as const)('when %s starts, then it reads the mapped file and its HTTP and gRPC servers listen on 127.0.0.1 only', (backend, http, grpc) => {
    expect(planBackend(compose, backend, ports, STACK_DIR).args).toEqual([
      `-config.file=${STACK_DIR}/config/${backend}.yaml`,
      '-server.http-listen-address=127.0.0.1',
      `-server.http-listen-port=${http}`,
      '-server.grpc-listen-address=127.0.0.1',
      `-server.grpc-listen-port=${grpc}`,
    ]);
  });

  test('when the collector starts, then a second configuration source moves only its own metrics off port 8888', () => {
    const { args } = planBackend(compose, 'otel-collector', ports, STACK_DIR);
    expect(args[0]).toBe(`--config=${STACK_DIR}/config/otel-config.yaml`);
    expect(args.slice(1)).toEqual([
      `--config=yaml:service::telemetry::metrics::readers: [{pull: {exporter: {prometheus: {host: 127.0.0.1, port: ${ports.collectorMetrics}}}}}]`,
    ]);
  });
});

describe("the services' environment", () => {
  test.each(['kennels', 'inventory', 'dogs'] as const)(
    'when %s starts, then it gets the environment compose gives it, with only addresses and its port changed',
    (name) => {
      const composed = environmentOf(service(compose, name));
      const local = localEnvironment(composed, ports, ports[name]);
      const changed = Object.keys(local).filter((key) => local[key] !== composed[key]);
      const expected = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'PORT', ...(name === 'kennels' ? ['INVENTORY_URL', 'DOGS_URL'] : [])];
      expect(changed.sort()).toEqual(expected.sort());
      expect(local.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://127.0.0.1:${ports.collectorOtlpHttp}`);
      expect(local.OTEL_LOGS_EXPORTER).toBe('otlp');
      expect(local.PORT).toBe(String(ports[name]));
    },
  );
});

describe('the gateway', () => {
  test("when nginx renders the template, then compose's upstreams point at the services' ports here, and the page's spans at the collector's", () => {
    expect(nginxUpstreams(compose, ports)).toEqual({
      kennels: `127.0.0.1:${ports.kennels}`,
      inventory: `127.0.0.1:${ports.inventory}`,
      dogs: `127.0.0.1:${ports.dogs}`,
      traces: `127.0.0.1:${ports.collectorOtlpHttp}`,
    });
  });
});

describe('substitute', () => {
  test('when an address stands inside a URL or a path, then it is replaced, and a longer name that contains it is not', () => {
    const pairs = { 'loki:3100': '127.0.0.1:1', '/loki': '/data/loki' };
    expect(substitute('http://loki:3100/otlp /loki/chunks /lokis a.loki:3100 /loki', pairs)).toBe(
      'http://127.0.0.1:1/otlp /data/loki/chunks /lokis a.loki:3100 /data/loki',
    );
  });

  test('when a replacement contains another address, then it is not replaced again', () => {
    expect(substitute('/prometheus', { '/prometheus': '/x/prometheus', prometheus: 'p' })).toBe('/x/prometheus');
  });
});
