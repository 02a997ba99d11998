import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { imageParts, loadCompose, serviceRunning } from '../src/compose';
import { parseYaml, readRepoFile, repoPath } from '../src/files';
import { loadCollector } from '../src/stack-configs';

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
    expect(versions.loki).toEqual({ version: tagOf('grafana/loki'), module: `github.com/grafana/loki/v3@v${tagOf('grafana/loki')}` });
    expect(versions.tempo?.version).toBe(tagOf('grafana/tempo'));
    expect(`v${versions.prometheus?.version}`).toBe(tagOf('prom/prometheus'));
  });

  test('when Prometheus is v3.14.0, then its Go module version is v0.314.0', () => {
    expect(tagOf('prom/prometheus')).toBe('v3.14.0');
    expect(scriptVersions().prometheus?.module).toBe('github.com/prometheus/prometheus@v0.314.0');
  });

  const dir = mkdtempSync(join(tmpdir(), 'dogbook-compose-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('when docker-compose.yml moves to other releases, then the script follows it', () => {
    const moved = readRepoFile('docker-compose.yml')
      .replace('grafana/loki:3.7.1', 'grafana/loki:3.8.2')
      .replace('prom/prometheus:v3.14.0', 'prom/prometheus:v3.5.1');
    writeFileSync(join(dir, 'docker-compose.yml'), moved);
    const versions = scriptVersions({ COMPOSE_FILE: join(dir, 'docker-compose.yml') });
    expect(versions.loki?.module).toBe('github.com/grafana/loki/v3@v3.8.2');
    expect(versions.prometheus?.module).toBe('github.com/prometheus/prometheus@v0.305.1');
  });
});

/** The component type each Go module of the builder's manifest provides. */
const COMPONENT_TYPES: Record<string, string[]> = {
  otlpreceiver: ['otlp'],
  memorylimiterprocessor: ['memory_limiter'],
  otlpexporter: ['otlp_grpc'],
  otlphttpexporter: ['otlp_http'],
  debugexporter: ['debug'],
  healthcheckextension: ['health_check'],
};

describe("the collector's build", () => {
  test('when otel-config.yaml uses a component, then the collector is built with it, and with debug, and nothing else', () => {
    type Manifest = Record<string, Array<{ gomod: string }> | undefined>;
    const manifest = parseYaml<Manifest>(script(['--collector-manifest']), 'the manifest');
    const built = (kind: string) =>
      (manifest[kind] ?? []).flatMap(({ gomod }) => COMPONENT_TYPES[gomod.split(' ')[0]!.split('/').at(-1)!] ?? [gomod]).sort();
    const config = loadCollector();
    // `otlp_grpc/tempo` is a component of type otlp_grpc, named tempo.
    const used = (section: Record<string, unknown> | undefined) => [...new Set(Object.keys(section ?? {}).map((id) => id.split('/')[0]!))].sort();
    expect(built('receivers')).toEqual(used(config.receivers));
    expect(built('processors')).toEqual(used(config.processors));
    expect(built('exporters')).toEqual([...used(config.exporters), 'debug'].sort());
    expect(built('extensions')).toEqual(used(config.extensions));
    const modules = ['receivers', 'processors', 'exporters', 'extensions'].flatMap((kind) => manifest[kind] ?? []);
    const versions = new Set(modules.map(({ gomod }) => gomod.split(' ')[1]));
    expect([...versions]).toEqual([`v${tagOf('otel/opentelemetry-collector-contrib')}`]);
  });
});
