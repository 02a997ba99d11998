import { basename } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commandOf, composeBytes, environmentOf, imageParts, loadCompose, mountsOf } from '@dogbook/stack/compose';
import { isExactVersionTag } from '@dogbook/stack-checks/compose-checks';
import { parseAddress, parseEnvFile, readRepoFile, readYaml } from '../src/files';
import { kubernetesBytes, kubernetesCpu, MiB } from '../src/quantities';
import { byKind, configMapNamed, renderManifests } from '../src/render';

const manifests = renderManifests();
const compose = loadCompose();
const values = (chart: string) => readYaml<any>(`deploy/kubernetes/charts/${chart}.yaml`);
const collector = values('otel-collector');
const tempo = values('tempo');
const loki = values('loki');
const prometheus = values('prometheus');
const grafana = values('grafana');

const collectorConfig = readYaml<any>('otel-config.yaml');
const tempoConfig = readYaml<any>('tempo.yaml');
const lokiConfig = readYaml<any>('loki.yaml');
const datasources = readYaml<{ datasources: Array<{ type: string; url: string }> }>(
  'grafana/provisioning/datasources/datasources.yaml',
).datasources;
const serviceEnv = parseEnvFile(readRepoFile('deploy/kubernetes/node-service.env'));

/** The helm commands of docs/kubernetes.md: release, chart, values file and --set-file flags. */
const helmInstalls = [...readRepoFile('docs/kubernetes.md').matchAll(/^helm upgrade --install (\S+) (\S+) (.*)$/gm)].map((m) => ({
  release: m[1]!,
  chart: m[2]!,
  version: /--version "\$(\w+)"/.exec(m[3]!)?.[1],
  valuesFile: /-f (\S+)/.exec(m[3]!)?.[1],
  setFiles: Object.fromEntries([...m[3]!.matchAll(/--set-file (\S+)=(\S+)/g)].map((s) => [s[1]!, s[2]!])),
}));
const install = (release: string) => helmInstalls.find((i) => i.release === release)!;

/** The repository file a ConfigMap was generated from must be in it unchanged: referenced, not copied. */
function configMapHolds(name: string, key: string, file: string): void {
  const configMap = configMapNamed(manifests, name);
  expect(configMap, `ConfigMap ${name}`).toBeDefined();
  expect(configMap!.data?.[key], `${name}.${key}`).toBe(readRepoFile(file));
}

const composeMemory = (service: string) => composeBytes(compose.services[service]!.deploy!.resources!.limits!.memory!);
const composeImage = (service: string) => imageParts(compose.services[service]!.image!);

describe('the observability charts: pinned, and carrying the configuration compose uses', () => {
  test('when docs/kubernetes.md installs the charts, then each release uses a pinned chart version, its values file and the right repository', () => {
    const versions = parseEnvFile(readRepoFile('deploy/kubernetes/charts/versions.env'));
    expect(helmInstalls.map((i) => [i.release, i.chart])).toEqual([
      ['otel-collector', 'open-telemetry/opentelemetry-collector'],
      ['tempo', 'grafana-community/tempo'],
      ['loki', 'grafana-community/loki'],
      ['prometheus', 'prometheus-community/prometheus'],
      ['grafana', 'grafana-community/grafana'],
    ]);
    for (const { release, version, valuesFile } of helmInstalls) {
      expect(isExactVersionTag(versions[version ?? '']), `${release} --version`).toBe(true);
      expect(valuesFile, release).toBe(`deploy/kubernetes/charts/${release}.yaml`);
    }
  });

  test("when a chart runs a backend, then it runs the image compose runs, with compose's memory limit", () => {
    const charts: Array<[service: string, repository: string | undefined, tag: string, resources: any]> = [
      ['otel-collector', collector.image.repository, collector.image.tag, collector.resources],
      ['tempo', 'grafana/tempo', tempo.tempo.tag, tempo.tempo.resources],
      ['loki', 'grafana/loki', loki.loki.image.tag, loki.singleBinary.resources],
      ['prometheus', prometheus.server.image.repository, prometheus.server.image.tag, prometheus.server.resources],
      ['grafana', 'grafana/grafana', grafana.image.tag, grafana.resources],
    ];
    for (const [service, repository, tag, resources] of charts) {
      expect({ repository, tag }, service).toEqual(composeImage(service));
      expect(kubernetesBytes(resources.limits.memory), service).toBe(composeMemory(service));
      expect(kubernetesBytes(resources.requests.memory), service).toBeLessThanOrEqual(kubernetesBytes(resources.limits.memory));
      expect(resources.requests.cpu, service).toBeDefined();
    }
  });

  test('when the collector starts, then it reads otel-config.yaml itself and serves OTLP where the services send it', () => {
    expect(collector.configMap).toEqual({ create: false, existingName: 'otel-collector-config' });
    // The chart mounts the ConfigMap's key `relay` as its configuration file.
    configMapHolds('otel-collector-config', 'relay', 'otel-config.yaml');
    const endpoint = parseAddress(serviceEnv.OTEL_EXPORTER_OTLP_ENDPOINT ?? '');
    expect(endpoint.host).toBe(collector.fullnameOverride);
    const receiverPort = (protocol: string) => parseAddress(collectorConfig.receivers.otlp.protocols[protocol].endpoint).port;
    expect(collector.ports.otlp).toMatchObject({ enabled: true, containerPort: receiverPort('grpc'), servicePort: receiverPort('grpc') });
    expect(collector.ports['otlp-http']).toMatchObject({ enabled: true, containerPort: receiverPort('http'), servicePort: endpoint.port });
    const otherPorts = Object.entries(collector.ports).filter(([name]) => !['otlp', 'otlp-http'].includes(name));
    expect(otherPorts.every(([, port]: [string, any]) => port.enabled === false)).toBe(true);
  });

  test('when Tempo starts, then its configuration is tempo.yaml and its Service is where the collector and Grafana look', () => {
    expect(install('tempo').setFiles).toEqual({ config: 'tempo.yaml' });
    expect(tempo.fullnameOverride).toBe('tempo');
    const exporter = parseAddress(collectorConfig.exporters['otlp_http/tempo'].endpoint);
    expect(exporter.host).toBe(tempo.fullnameOverride);
    expect(parseAddress(tempo.tempo.receivers.otlp.protocols.http.endpoint).port).toBe(exporter.port);
    expect(parseAddress(tempoConfig.distributor.receivers.otlp.protocols.http.endpoint).port).toBe(exporter.port);
    expect(tempo.tempo.server.http_listen_port).toBe(tempoConfig.server.http_listen_port);
    const grafanaTempo = parseAddress(datasources.find((d) => d.type === 'tempo')!.url);
    expect({ host: grafanaTempo.host, port: grafanaTempo.port }).toEqual({ host: 'tempo', port: tempoConfig.server.http_listen_port });
    // tempo.yaml keeps every path under /var/tempo, where the chart mounts its volume.
    expect(tempo.persistence.enabled).toBe(true);
    expect(tempoConfig.storage.trace.wal.path).toMatch(/^\/var\/tempo\//);
  });

  test("when Loki starts, then its configuration is loki.yaml, the schema the chart insists on is loki.yaml's, and its data is on the volume", () => {
    expect(install('loki').setFiles).toEqual({ 'loki.config': 'loki.yaml' });
    expect(loki.loki.schemaConfig.configs).toEqual(lokiConfig.schema_config.configs);
    expect(loki.loki.server.http_listen_port).toBe(lokiConfig.server.http_listen_port);
    const exporter = parseAddress(collectorConfig.exporters['otlp_http/loki'].endpoint);
    // The release is named loki, and so is the Service the chart puts in front of the single binary.
    expect({ host: exporter.host, port: exporter.port }).toEqual({
      host: install('loki').release,
      port: lokiConfig.server.http_listen_port,
    });
    expect(loki.singleBinary.persistence.enabled).toBe(true);
    expect(loki.singleBinary.extraVolumeMounts).toEqual([{ name: 'storage', mountPath: lokiConfig.common.path_prefix }]);
  });

  test("when Prometheus starts, then it reads prometheus.yaml itself, with compose's flags, where Tempo writes and Grafana reads", () => {
    const { release } = install('prometheus');
    const server = prometheus.server;
    // The chart mounts <release>-<configMapOverrideName> at /etc/config and reads configPath.
    expect(server.configPath).toBe(`/etc/config/${basename('prometheus.yaml')}`);
    configMapHolds(`${release}-${server.configMapOverrideName}`, 'prometheus.yaml', 'prometheus.yaml');
    const composeFlags = commandOf(compose.services.prometheus!);
    for (const flag of server.extraFlags) expect(composeFlags, flag).toContain(`--${flag}`);
    expect(composeFlags).toContain(`--storage.tsdb.retention.time=${server.retention}`);
    const remoteWrite = parseAddress(tempoConfig.metrics_generator.storage.remote_write[0].url);
    const spanMetrics = parseAddress(collectorConfig.exporters['otlp_http/prometheus'].endpoint);
    const grafanaPrometheus = parseAddress(datasources.find((d) => d.type === 'prometheus')!.url);
    for (const address of [remoteWrite, spanMetrics, grafanaPrometheus]) {
      expect({ host: address.host, port: address.port }).toEqual({ host: server.fullnameOverride, port: server.service.servicePort });
    }
  });

  test("when Grafana starts, then it has compose's settings and mounts the repository's data sources and dashboard where compose does", () => {
    expect(grafana.env).toEqual(environmentOf(compose.services.grafana!));
    expect(grafana.service.port).toBe(Number(String(compose.services.grafana!.ports![0]).split(':').at(-1)));
    const composeMounts = mountsOf(compose.services.grafana!);
    const files: Record<string, string> = {
      'grafana-datasources': 'grafana/provisioning/datasources/datasources.yaml',
      'grafana-dashboard-providers': 'grafana/provisioning/dashboards/dashboards.yaml',
      'grafana-dashboards': 'grafana/dashboards/dogbook.json',
    };
    expect(grafana.extraConfigmapMounts.map((m: any) => m.configMap).sort()).toEqual(Object.keys(files).sort());
    for (const mount of grafana.extraConfigmapMounts) {
      const file = files[mount.configMap]!;
      configMapHolds(mount.configMap, basename(file), file);
      // Where compose's bind mount of the file's folder puts it.
      const composeMount = composeMounts.find((m) => `./${file}`.startsWith(`${m.source}/`))!;
      const composePath = `${composeMount.target}${`./${file}`.slice(composeMount.source.length)}`;
      expect(`${mount.mountPath}/${basename(file)}`, mount.configMap).toBe(composePath);
    }
  });

  test('when a data source, the collector or Tempo names a backend, then a chart release installs a Service of that name', () => {
    const serviceNames = new Set([
      collector.fullnameOverride,
      tempo.fullnameOverride,
      install('loki').release,
      prometheus.server.fullnameOverride,
      grafana.fullnameOverride,
    ]);
    const named = [
      ...datasources.map((d) => parseAddress(d.url).host),
      parseAddress(collectorConfig.exporters['otlp_http/tempo'].endpoint).host,
      parseAddress(collectorConfig.exporters['otlp_http/prometheus'].endpoint).host,
      parseAddress(collectorConfig.exporters['otlp_http/loki'].endpoint).host,
      parseAddress(tempoConfig.metrics_generator.storage.remote_write[0].url).host,
      parseAddress(serviceEnv.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').host,
    ];
    expect(named.filter((host) => !serviceNames.has(host))).toEqual([]);
    // And they are compose's service names, so the configuration files serve both.
    for (const name of serviceNames) expect(Object.keys(compose.services), name).toContain(name);
  });

  test('when a laptop cluster runs the stack, then memory is requested in full and adds up to what compose gives it', () => {
    const own = byKind(manifests, 'Deployment').flatMap((d) => d.spec.template.spec.containers.map((c: any) => c.resources));
    const charts = [
      collector.resources,
      tempo.tempo.resources,
      loki.singleBinary.resources,
      prometheus.server.resources,
      grafana.resources,
    ];
    const sum = (list: any[], side: 'requests' | 'limits', resource: 'cpu' | 'memory') =>
      list.reduce((total, r) => total + (resource === 'cpu' ? kubernetesCpu(r[side].cpu) : kubernetesBytes(r[side].memory)), 0);
    const ownMemory = sum(own, 'limits', 'memory') / MiB;
    const chartMemory = sum(charts, 'limits', 'memory') / MiB;
    expect(sum([...own, ...charts], 'requests', 'memory')).toBe(sum([...own, ...charts], 'limits', 'memory'));
    // CPU requests fit a 2-CPU laptop, as docs/kubernetes.md promises; the limits only cap bursts.
    expect(sum([...own, ...charts], 'requests', 'cpu')).toBeLessThan(2);
    // The same memory as compose gives the stack (its default services: the opt-in load generator has no pod).
    const composeTotal = Object.values(compose.services)
      .filter((s) => s.profiles === undefined)
      .reduce((t, s) => t + composeBytes(s.deploy!.resources!.limits!.memory!), 0);
    expect((ownMemory + chartMemory) * MiB).toBe(composeTotal);
  });
});
