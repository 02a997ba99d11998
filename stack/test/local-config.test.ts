import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, TAIL_SAMPLING_COMPOSE, commandOf, composeFiles, environmentOf, loadCompose, service } from '../src/compose';
import { type Backend, PORT_NAMES, type Ports, localEnvironment, nginxUpstreams, planBackend, substitute } from '../src/local-config';

const compose = loadCompose();
const STACK_DIR = '/home/learner/dogbook/.stack';
// Distinct, recognisable ports: 20001, 20002, ... in PORT_NAMES order.
const ports = Object.fromEntries(PORT_NAMES.map((name, i) => [name, 20_001 + i])) as unknown as Ports;

/** Every scalar in a parsed YAML document, by its dotted path (`scrape_configs.0.job_name`). */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  if (value === null || typeof value !== 'object') return new Map([[path, value]]);
  return new Map(Object.entries(value).flatMap(([key, child]) => [...leaves(child, path ? `${path}.${key}` : key)]));
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
      'exporters.otlp_http/tempo.endpoint',
      'exporters.otlp_http/loki.endpoint',
      'exporters.otlp_http/prometheus.endpoint',
    ],
  },
  prometheus: {
    file: 'prometheus.yaml',
    // The first target, Prometheus itself; the second, Tempo's API, has no stand-in and stays.
    keys: ['scrape_configs.0.static_configs.0.targets.0'],
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
    const original = committed('prometheus.yaml');
    const broken = substitute(original, { 'localhost:9090': '127.0.0.1:20011', '15s': '1m' });
    expect(changedKeys(original, broken)).toContain('global.scrape_interval');
  });

  test('when the collector sends to Tempo, Loki and Prometheus, then it dials the trace viewer, the log receiver and Prometheus here', () => {
    const { text } = planBackend(compose, 'otel-collector', ports, STACK_DIR).files[0]!;
    const config = parse(text);
    expect(config.exporters['otlp_http/tempo'].endpoint).toBe(`http://127.0.0.1:${ports.traceViewer}`);
    expect(config.exporters['otlp_http/loki'].endpoint).toBe(`http://127.0.0.1:${ports.logReceiver}/otlp`);
    expect(config.exporters['otlp_http/prometheus'].endpoint).toBe(`http://127.0.0.1:${ports.prometheus}/api/v1/otlp`);
  });
});

describe("the backends' command lines", () => {
  test("when Prometheus starts, then it gets compose's flags, with the file and the volume mapped, and listens on 127.0.0.1", () => {
    const { args } = planBackend(compose, 'prometheus', ports, STACK_DIR);
    expect(args).toEqual([
      `--config.file=${STACK_DIR}/config/prometheus.yaml`,
      `--storage.tsdb.path=${STACK_DIR}/data/prometheus-data`,
      ...commandOf(service(compose, 'prometheus')).slice(2),
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
    ]);
    expect(args).toContain('--web.enable-otlp-receiver');
    expect(args).toContain('--enable-feature=exemplar-storage');
  });

  const metricsReader = `--config=yaml:service::telemetry::metrics::readers: [{pull: {exporter: {prometheus: {host: 127.0.0.1, port: ${ports.collectorMetrics}}}}}]`;

  test('when the collector starts, then a second configuration source moves only its own metrics off port 8888', () => {
    const { args } = planBackend(compose, 'otel-collector', ports, STACK_DIR);
    expect(args).toEqual([`--config=${STACK_DIR}/config/otel-config.yaml`, metricsReader]);
  });

  test('when tail sampling is chosen, then the collector also reads otel-tail-sampling.yaml, unchanged, after otel-config.yaml', () => {
    const sampling = loadCompose(composeFiles({ DOGBOOK_SAMPLING: 'tail' }));
    const plan = planBackend(sampling, 'otel-collector', ports, STACK_DIR);
    expect(plan.args).toEqual([
      `--config=${STACK_DIR}/config/otel-config.yaml`,
      `--config=${STACK_DIR}/config/otel-tail-sampling.yaml`,
      metricsReader,
    ]);
    expect(plan.files.map((f) => f.source)).toEqual(['otel-config.yaml', 'otel-tail-sampling.yaml']);
    expect(plan.files[1]!.text).toBe(committed('otel-tail-sampling.yaml'));
    // Everything else in compose is as without the override.
    expect({ ...sampling.services, 'otel-collector': undefined }).toEqual({ ...compose.services, 'otel-collector': undefined });
  });

  test('when DOGBOOK_SAMPLING is unset, none or tail, then those compose files run; another value is refused', () => {
    expect(composeFiles({})).toEqual(['docker-compose.yml']);
    expect(composeFiles({ DOGBOOK_SAMPLING: 'none' })).toEqual(['docker-compose.yml']);
    expect(composeFiles({ DOGBOOK_SAMPLING: 'tail' })).toEqual(['docker-compose.yml', TAIL_SAMPLING_COMPOSE]);
    expect(() => composeFiles({ DOGBOOK_SAMPLING: 'head' })).toThrow(/DOGBOOK_SAMPLING must be "tail" or "none"/);
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
