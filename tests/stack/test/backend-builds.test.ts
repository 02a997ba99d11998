import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { imageParts, loadCompose } from '@dogbook/stack/compose';
import { serviceRunning } from '../src/compose';
import { parseYaml, readRepoFile, repoPath } from '../src/files';
import { loadCollector, loadTailSampling } from '../src/stack-configs';

function script(args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync('bash', [repoPath('stack', 'build-backends.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`build-backends.sh ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** What stack/build-backends.sh would build: name, version, Go module. */
function scriptVersions(env: Record<string, string> = {}): Record<string, { version: string; module: string }> {
  return Object.fromEntries(
    script(['--versions'], env)
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([name, version, module]) => [name!, { version: version!, module: module! }]),
  );
}

const compose = loadCompose();
const tagOf = (repository: string) => imageParts(compose.services[serviceRunning(compose, repository)!]!.image!).tag!;

describe('the versions the backends are built at', () => {
  test('when build-backends.sh builds the stack, then each backend is the version of its compose image', () => {
    const versions = scriptVersions();
    expect(versions.collector).toEqual({
      version: tagOf('otel/opentelemetry-collector-contrib'),
      module: `go.opentelemetry.io/collector/cmd/builder@v${tagOf('otel/opentelemetry-collector-contrib')}`,
    });
    expect(`v${versions.prometheus?.version}`).toBe(tagOf('prom/prometheus'));
    // Tempo, Loki and Grafana run only as compose's images: their modules are AGPL.
    expect(Object.keys(versions).sort()).toEqual(['collector', 'prometheus']);
  });

  test('when Prometheus is v3.14.0, then its Go module version is v0.314.0', () => {
    expect(tagOf('prom/prometheus')).toBe('v3.14.0');
    expect(scriptVersions().prometheus?.module).toBe('github.com/prometheus/prometheus@v0.314.0');
  });

  test('when compose runs the collector, then its image is the version the live suite builds, in Kubernetes too', () => {
    const chart = parseYaml<{ image: { repository: string; tag: string } }>(
      readRepoFile('deploy/kubernetes/charts/otel-collector.yaml'),
      'the chart values',
    );
    expect(chart.image).toEqual({ repository: 'otel/opentelemetry-collector-contrib', tag: scriptVersions().collector?.version });
  });

  const dir = mkdtempSync(join(tmpdir(), 'dogbook-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('when docker-compose.yml moves to other releases, then the script follows it', () => {
    const collector = tagOf('otel/opentelemetry-collector-contrib');
    const moved = readRepoFile('docker-compose.yml')
      .replace(`otel/opentelemetry-collector-contrib:${collector}`, 'otel/opentelemetry-collector-contrib:0.170.0')
      .replace('prom/prometheus:v3.14.0', 'prom/prometheus:v3.5.1');
    writeFileSync(join(dir, 'docker-compose.yml'), moved);
    const versions = scriptVersions({ COMPOSE_FILE: join(dir, 'docker-compose.yml') });
    expect(versions.collector?.module).toBe('go.opentelemetry.io/collector/cmd/builder@v0.170.0');
    expect(versions.prometheus?.module).toBe('github.com/prometheus/prometheus@v0.305.1');
  });
});

/** The component type each Go module of the builder's manifest provides. */
const COMPONENT_TYPES: Record<string, string[]> = {
  otlpreceiver: ['otlp'],
  memorylimiterprocessor: ['memory_limiter'],
  tailsamplingprocessor: ['tail_sampling'],
  spanmetricsconnector: ['spanmetrics'],
  otlpexporter: ['otlp_grpc'],
  otlphttpexporter: ['otlp_http'],
  debugexporter: ['debug'],
  healthcheckextension: ['health_check'],
};

describe("the collector's build", () => {
  test('when otel-config.yaml or otel-tail-sampling.yaml uses a component, then the collector is built with it, and with debug, and nothing else', () => {
    type Manifest = Record<string, Array<{ gomod: string }> | undefined>;
    const manifest = parseYaml<Manifest>(script(['--collector-manifest']), 'the manifest');
    const built = (kind: string) =>
      (manifest[kind] ?? []).flatMap(({ gomod }) => COMPONENT_TYPES[gomod.split(' ')[0]!.split('/').at(-1)!] ?? [gomod]).sort();
    const [config, sampling] = [loadCollector(), loadTailSampling()];
    // `otlp_http/tempo` is a component of type otlp_http, named tempo.
    const used = (...sections: Array<Record<string, unknown> | undefined>) =>
      [...new Set(sections.flatMap((section) => Object.keys(section ?? {})).map((id) => id.split('/')[0]!))].sort();
    expect(built('receivers')).toEqual(used(config.receivers));
    expect(built('processors')).toEqual(used(config.processors, sampling.processors));
    expect(built('connectors')).toEqual(used(config.connectors));
    expect(built('exporters')).toEqual([...used(config.exporters), 'debug'].sort());
    expect(built('extensions')).toEqual(used(config.extensions));
    const modules = ['receivers', 'processors', 'connectors', 'exporters', 'extensions'].flatMap((kind) => manifest[kind] ?? []);
    const versions = new Set(modules.map(({ gomod }) => gomod.split(' ')[1]));
    expect([...versions]).toEqual([`v${tagOf('otel/opentelemetry-collector-contrib')}`]);
  });
});

/** The Go modules no build may name (tests/stack/not-to-use.txt: module, then why). */
const NOT_TO_USE = readRepoFile('tests/stack/not-to-use.txt')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.split(/\s+/)[0]!);

/** The build scripts: every shell script, .ci/run and the Dockerfile, outside node_modules. */
function buildScripts(dir = repoPath()): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', '.git', '.stack', 'dist'].includes(entry.name) ? [] : buildScripts(path);
    const relative = path.slice(repoPath().length + 1);
    return entry.name.endsWith('.sh') || relative === '.ci/run' || entry.name === 'Dockerfile' ? [relative] : [];
  });
}

/** The modules of NOT_TO_USE that `text` names, as a whole module path (a sub-package or @version counts). */
function namedModules(text: string): string[] {
  return NOT_TO_USE.filter((module) => new RegExp(`(?<![\\w.-])${module.replaceAll('.', '\\.')}(?![\\w.-])`).test(text));
}

describe('the licences of what is built', () => {
  test('when the list of modules not to use is read, then it holds the AGPL backends Tempo, Loki and Grafana', () => {
    expect(NOT_TO_USE).toEqual(
      expect.arrayContaining(['github.com/grafana/tempo', 'github.com/grafana/loki/v3', 'github.com/grafana/grafana']),
    );
  });

  test('when any build script of the repository is read, then it names no module marked not to use', () => {
    const scripts = buildScripts();
    expect(scripts).toEqual(expect.arrayContaining(['stack/build-backends.sh', '.ci/run', 'Dockerfile']));
    const named = scripts.flatMap((path) => namedModules(readRepoFile(path)).map((module) => `${path} names ${module}`));
    expect(named).toEqual([]);
    expect(namedModules(script(['--collector-manifest']))).toEqual([]);
  });

  test('when a build script names an AGPL module, then the licence check reports it, and not a module whose name merely begins the same', () => {
    expect(namedModules('go mod download github.com/grafana/loki/v3@v3.7.1')).toEqual(['github.com/grafana/loki/v3']);
    expect(namedModules('go build github.com/grafana/tempo/cmd/tempo')).toEqual(['github.com/grafana/tempo']);
    expect(namedModules('go get github.com/grafana/tempo-operator github.com/grafana/loki/v3x')).toEqual([]);
  });
});
