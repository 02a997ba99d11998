import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { commandOf, environmentOf, healthcheckCommand, loadCompose, mountsOf } from '@dogbook/stack/compose';
import { builtServices, serviceRunning } from '../src/compose';
import { containerPorts } from '../src/compose-checks';
import { parseAddress, readJson, readRepoFile, repoPath } from '../src/files';
import { loadCollector, loadDatasources, loadLoki, loadPrometheus, loadTempo } from '../src/stack-configs';

const compose = loadCompose();
const collector = loadCollector();
const tempo = loadTempo();
const loki = loadLoki();
const prometheus = loadPrometheus();

const collectorService = serviceRunning(compose, 'otel/opentelemetry-collector-contrib');
const tempoService = serviceRunning(compose, 'grafana/tempo');
const lokiService = serviceRunning(compose, 'grafana/loki');
const prometheusService = serviceRunning(compose, 'prom/prometheus');
const nodeServices = builtServices(compose);

const otlpReceiverPort = (protocol: 'grpc' | 'http') => parseAddress(collector.receivers?.otlp?.protocols?.[protocol]?.endpoint ?? '').port;
const tempoHttpPort = tempo.server?.http_listen_port;
const tempoOtlpHttpPort = parseAddress(tempo.distributor?.receivers?.otlp?.protocols?.http?.endpoint ?? '').port;
const lokiHttpPort = loki.server?.http_listen_port;
/** Prometheus listens on 9090 unless --web.listen-address says otherwise. */
const prometheusPort = (() => {
  const flag = commandOf(compose.services[prometheusService ?? '']!).find((f) => f.startsWith('--web.listen-address='));
  return flag ? parseAddress(flag.split('=')[1]!).port : 9090;
})();

describe('names and ports agree across the stack', () => {
  test('when the stack starts, then each backend runs under one compose service', () => {
    expect([collectorService, tempoService, lokiService, prometheusService]).toEqual(['otel-collector', 'tempo', 'loki', 'prometheus']);
    expect(nodeServices.sort()).toEqual(['dogs', 'inventory', 'kennels']);
  });

  test('when a service is built, then it is built from its own folder and named after it everywhere', () => {
    for (const name of nodeServices) {
      const service = compose.services[name]!;
      const build = typeof service.build === 'object' ? service.build : {};
      expect(build.context, name).toBe('.');
      expect(build.args?.SERVICE, name).toBe(name);
      expect(readJson<{ name: string }>(`services/${name}/package.json`).name).toBe(`@dogbook/${name}`);
      expect(environmentOf(service).OTEL_SERVICE_NAME, name).toBe(name);
    }
  });

  test('when a service exports telemetry, then it sends to the collector on the receiver port of its protocol', () => {
    for (const name of nodeServices) {
      const env = environmentOf(compose.services[name]!);
      const { host, port } = parseAddress(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '');
      const protocol = (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').startsWith('http') ? 'http' : 'grpc';
      expect(host, name).toBe(collectorService);
      expect(port, name).toBe(otlpReceiverPort(protocol));
    }
  });

  test('when a service listens, then PORT, its healthcheck and every caller use the same port', () => {
    const portOf = (name: string) => Number(environmentOf(compose.services[name]!).PORT);
    for (const name of nodeServices) {
      expect(portOf(name), name).toBe(8080);
      expect(healthcheckCommand(compose.services[name]!), name).toContain(`http://127.0.0.1:${portOf(name)}/readyz`);
    }
    const kennels = environmentOf(compose.services.kennels!);
    for (const [variable, target] of [
      ['INVENTORY_URL', 'inventory'],
      ['DOGS_URL', 'dogs'],
    ] as const) {
      const { host, port } = parseAddress(kennels[variable] ?? '');
      expect({ host, port }, variable).toEqual({ host: target, port: portOf(target) });
    }
  });

  test('when nginx renders its template, then every upstream is a service on its PORT and nginx listens where it is published', () => {
    const nginx = environmentOf(compose.services.nginx!);
    for (const [variable, target] of [
      ['KENNELS_UPSTREAM', 'kennels'],
      ['INVENTORY_UPSTREAM', 'inventory'],
      ['DOGS_UPSTREAM', 'dogs'],
    ] as const) {
      const { host, port } = parseAddress(nginx[variable] ?? '');
      expect({ host, port }, variable).toEqual({ host: target, port: Number(environmentOf(compose.services[target]!).PORT) });
    }
    const listen = Number(nginx.NGINX_PORT);
    expect(containerPorts(compose, 'nginx')).toEqual([listen]);
    expect(healthcheckCommand(compose.services.nginx!)).toContain(`http://127.0.0.1:${listen}/healthz`);
  });

  test('when the nginx image renders the template, then it replaces the default server and can fill every variable in it', () => {
    const mount = mountsOf(compose.services.nginx!).find((m) => m.target.startsWith('/etc/nginx/templates/'));
    expect(mount?.source).toBe('./nginx/templates/dogbook.conf.template');
    // Rendered to conf.d/default.conf: the image's own default.conf (a welcome page on 8080) is gone.
    expect(mount?.target).toBe('/etc/nginx/templates/default.conf.template');
    const template = readRepoFile('nginx/templates/dogbook.conf.template');
    const used = new Set([...template.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([
      'DOGS_UPSTREAM',
      'INVENTORY_UPSTREAM',
      'KENNELS_UPSTREAM',
      'NGINX_PORT',
      'TRACES_UPSTREAM',
      'WEB_ROOT',
    ]);
    expect(Object.keys(environmentOf(compose.services.nginx!))).toEqual(expect.arrayContaining([...used]));
    expect(template).toMatch(/listen\s+\$\{NGINX_PORT\}\s*;/);
    // The healthcheck's path answers from nginx itself, without a service behind it.
    expect(template).toMatch(/location\s*=\s*\/healthz\s*\{[^}]*return 200/);
  });

  test("when the page sends its spans, then nginx passes POST /v1/traces on to the collector's OTLP/HTTP receiver, with a bounded body", () => {
    const { host, port } = parseAddress(environmentOf(compose.services.nginx!).TRACES_UPSTREAM ?? '');
    expect({ host, port }).toEqual({ host: collectorService, port: otlpReceiverPort('http') });
    const template = readRepoFile('nginx/templates/dogbook.conf.template');
    expect(template).toMatch(/upstream traces \{\s*server \$\{TRACES_UPSTREAM\};/);
    const location = /location = \/v1\/traces \{([^}]*)\}/.exec(template)?.[1] ?? '';
    expect(location).toContain('proxy_pass http://traces;');
    expect(location).toMatch(/client_max_body_size \d+k;/);
  });

  test('when a browser asks for /, then nginx serves the page from WEB_ROOT, under a policy that keeps it on its origin', () => {
    const template = readRepoFile('nginx/templates/dogbook.conf.template');
    // The block runs from its regex location to the closing brace at the server's indentation.
    const start = template.indexOf('location ~ ');
    const block = template.slice(start, template.indexOf('\n    }\n', start));
    const pattern = new RegExp(/location ~ (\S+) \{/.exec(block)?.[1] ?? '^$');
    for (const path of ['/', '/index.html', '/assets/main.js', '/assets/style.css']) expect(pattern.test(path), path).toBe(true);
    for (const path of ['/api/v1/kennels', '/v1/traces', '/healthz', '/assets/', '/assets/a/b.js', '/etc/passwd']) {
      expect(pattern.test(path), path).toBe(false);
    }
    expect(block).toContain('root "${WEB_ROOT}";');
    expect(block).toContain(`add_header Content-Security-Policy "default-src 'self'" always;`);
  });

  test('when the collector exports, then traces reach Tempo on its OTLP/HTTP receiver, logs reach Loki on its OTLP path, span metrics Prometheus on its', () => {
    const exporters = collector.exporters ?? {};
    const tempoExporter = parseAddress(exporters['otlp_http/tempo']?.endpoint ?? '');
    expect({ host: tempoExporter.host, port: tempoExporter.port }).toEqual({ host: tempoService, port: tempoOtlpHttpPort });
    expect(parseAddress(exporters['otlp_http/prometheus']?.endpoint ?? '')).toEqual({
      host: prometheusService,
      port: prometheusPort,
      path: '/api/v1/otlp',
    });
    const lokiExporter = parseAddress(exporters['otlp_http/loki']?.endpoint ?? '');
    expect(lokiExporter).toEqual({ host: lokiService, port: lokiHttpPort, path: '/otlp' });
  });

  test("when Tempo's metrics-generator remote-writes, then it reaches Prometheus's receiver", () => {
    const [write, ...others] = tempo.metrics_generator?.storage?.remote_write ?? [];
    expect(others).toEqual([]);
    expect(parseAddress(write?.url ?? '')).toEqual({ host: prometheusService, port: prometheusPort, path: '/api/v1/write' });
    expect(commandOf(compose.services.prometheus!)).toContain('--web.enable-remote-write-receiver');
  });

  test('when Prometheus scrapes Tempo, then it asks Tempo on its HTTP port', () => {
    const targets = (prometheus.scrape_configs ?? []).flatMap((job) => job.static_configs?.flatMap((s) => s.targets ?? []) ?? []);
    expect(targets).toContain(`${tempoService}:${tempoHttpPort}`);
  });

  test('when Grafana queries a data source, then its URL is the compose service and that backend listens on its port', () => {
    const urls = Object.fromEntries(loadDatasources().map((ds) => [ds.type, parseAddress(ds.url)]));
    expect(urls).toEqual({
      tempo: { host: tempoService, port: tempoHttpPort, path: '' },
      prometheus: { host: prometheusService, port: prometheusPort, path: '' },
      loki: { host: lokiService, port: lokiHttpPort, path: '' },
    });
  });

  test('when a backend is health-checked, then the check asks the port that backend listens on', () => {
    // Tempo's and Loki's -health flags ask http://localhost:3200/ready and :3100/ready.
    expect(healthcheckCommand(compose.services.tempo!)).toBe('CMD /tempo -health');
    expect(tempoHttpPort).toBe(3200);
    expect(healthcheckCommand(compose.services.loki!)).toBe('CMD /usr/bin/loki -health');
    expect(lokiHttpPort).toBe(3100);
    expect(healthcheckCommand(compose.services.prometheus!)).toContain(`http://127.0.0.1:${prometheusPort}/-/ready`);
    expect(healthcheckCommand(compose.services.grafana!)).toContain(`http://127.0.0.1:${containerPorts(compose, 'grafana')[0]}/api/health`);
  });

  test('when a configuration file is mounted, then it exists and lands where its program is told to read it', () => {
    const expected: Record<string, Array<[source: string, target: string]>> = {
      'otel-collector': [['./otel-config.yaml', '/etc/otelcol-contrib/config.yaml']],
      tempo: [['./tempo.yaml', '/etc/tempo/tempo.yaml']],
      prometheus: [['./prometheus.yaml', '/etc/prometheus/prometheus.yaml']],
      loki: [['./loki.yaml', '/etc/loki/loki.yaml']],
    };
    for (const [name, mounts] of Object.entries(expected)) {
      const service = compose.services[name]!;
      for (const [source, target] of mounts) {
        expect(mountsOf(service), name).toContainEqual(expect.objectContaining({ source, target }));
        expect(existsSync(repoPath(source)), source).toBe(true);
        expect(commandOf(service).join(' '), name).toContain(target);
      }
    }
  });

  test('when Tempo and Loki write data, then their paths are inside their named volumes', () => {
    const tempoVolume = mountsOf(compose.services.tempo!).find((m) => m.source === 'tempo-data')?.target ?? '<none>';
    for (const path of [tempo.storage?.trace?.wal?.path, tempo.storage?.trace?.local?.path, tempo.metrics_generator?.storage?.path]) {
      expect(path?.startsWith(`${tempoVolume}/`), path).toBe(true);
    }
    const lokiVolume = mountsOf(compose.services.loki!).find((m) => m.source === 'loki-data')?.target;
    expect(loki.common?.path_prefix).toBe(lokiVolume);
  });
});
