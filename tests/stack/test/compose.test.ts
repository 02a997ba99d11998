import { describe, expect, test } from 'vitest';
import { builtServices, inDefaultStack, loadCompose, memoryLimitOf, type ComposeFile } from '../src/compose';
import {
  dependencyProblems,
  memoryLimitProblems,
  MiB,
  portsNotOnLoopback,
  totalMemoryLimit,
  unknownComposeKeys,
  unpinnedImages,
} from '../src/compose-checks';
import { copyOf, readRepoFile } from '../src/files';

const compose = loadCompose();

/** The stack must fit a 2 GiB Docker Desktop VM with room to spare for the engine itself. */
const MEMORY_BUDGET = 1792 * MiB;

describe('docker-compose.yml', () => {
  test('when compose reads the file, then every key is one the Compose Specification knows', () => {
    expect(unknownComposeKeys(compose)).toEqual([]);
  });

  test('when a key is misspelt, then the key check names it', () => {
    const broken = copyOf(compose) as ComposeFile;
    broken.services.tempo!['healtcheck'] = broken.services.tempo!.healthcheck;
    expect(unknownComposeKeys(broken)).toEqual(['tempo.healtcheck is not a Compose Specification key']);
  });

  test('when compose interpolates the file, then every $ is a ${VAR:-default} it is meant to fill', () => {
    // Compose expands $ everywhere outside comments: a literal one (an nginx or shell variable)
    // must be written $$, or it silently becomes an empty string.
    const text = readRepoFile('docker-compose.yml')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const stray = [...text.matchAll(/(?<!\$)\$(?!\{[A-Z][A-Z0-9_]*(?::?-[^}]*)?\}|\$)/g)].map((m) => text.slice(m.index, m.index + 12));
    expect(stray).toEqual([]);
    expect(text).toContain('${DOGBOOK_PORT:-8080}');
  });

  test('when an image is pulled, then its tag is an exact released version', () => {
    expect(unpinnedImages(compose)).toEqual([]);
  });

  test.each(['grafana/tempo:latest', 'grafana/tempo', 'grafana/loki:3', 'grafana/loki:3.7', 'nginx:alpine'])(
    'when an image is %s, then the pin check rejects it',
    (image) => {
      const broken = copyOf(compose);
      broken.services.tempo!.image = image;
      expect(unpinnedImages(broken)).toEqual([`tempo uses ${image}: pin an exact released version`]);
    },
  );

  test('when a port is published, then it is bound to 127.0.0.1 only', () => {
    const published = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(portsNotOnLoopback(compose)).toEqual([]);
  });

  test('when a port is published on every interface, then the port check reports it', () => {
    const broken = copyOf(compose);
    broken.services.grafana!.ports = ['3000:3000'];
    expect(portsNotOnLoopback(broken)).toEqual(['grafana publishes "3000:3000" beyond 127.0.0.1']);
  });

  test('when only the gateway and Grafana are published, then the services and backends stay private', () => {
    const published = Object.entries(compose.services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['grafana', 'nginx']);
  });

  test('when the host ports are taken, then DOGBOOK_PORT and DOGBOOK_GRAFANA_PORT move them, 8080 and 3000 by default', () => {
    expect(compose.services.nginx!.ports).toEqual(['127.0.0.1:${DOGBOOK_PORT:-8080}:8080']);
    expect(compose.services.grafana!.ports).toEqual(['127.0.0.1:${DOGBOOK_GRAFANA_PORT:-3000}:3000']);
  });

  test('when a service waits for another, then it names a condition, and waits for health only where there is a healthcheck', () => {
    expect(dependencyProblems(compose)).toEqual([]);
  });

  test('when a service waits for a healthy service that has no healthcheck, then the dependency check reports it', () => {
    const broken = copyOf(compose);
    delete broken.services.loki!.healthcheck;
    expect(dependencyProblems(broken)).toEqual([
      'otel-collector waits for loki to be healthy, but loki has no healthcheck',
      'grafana waits for loki to be healthy, but loki has no healthcheck',
    ]);
  });

  test('when `docker compose up --wait` returns, then everything a learner touches has passed a healthcheck', () => {
    const unchecked = Object.entries(compose.services)
      .filter(([, service]) => inDefaultStack(service) && !service.healthcheck?.test)
      .map(([name]) => name);
    // The collector image has no shell or HTTP client to run a check with.
    expect(unchecked).toEqual(['otel-collector']);
  });

  test('when every container gets its memory limit, then the default stack stays within 1.75 GiB, and with every profile under 2 GiB', () => {
    const defaultStack = { ...compose, services: Object.fromEntries(Object.entries(compose.services).filter(([, s]) => inDefaultStack(s))) };
    expect(memoryLimitProblems(defaultStack, MEMORY_BUDGET)).toEqual([]);
    expect(memoryLimitProblems(compose, 2048 * MiB)).toEqual([]);
    console.info(`memory limits: ${totalMemoryLimit(defaultStack) / MiB} MiB, ${totalMemoryLimit(compose) / MiB} MiB with every profile`);
  });

  test('when a container has no limit, or the limits outgrow the budget, then the memory check reports it', () => {
    const broken = copyOf(compose);
    delete broken.services.grafana!.deploy;
    broken.services.tempo!.deploy = { resources: { limits: { memory: '1G' } } };
    const problems = memoryLimitProblems(broken, MEMORY_BUDGET);
    expect(problems[0]).toBe('grafana has no memory limit');
    expect(problems[1]).toMatch(/^memory limits add up to \d+ MiB, over 1792 MiB$/);
  });

  test('when a Node service starts, then an init runs as PID 1 and the container filesystem is read-only', () => {
    for (const name of builtServices(compose)) {
      const service = compose.services[name]!;
      expect(service.init, name).toBe(true);
      expect(service.read_only, name).toBe(true);
      expect(memoryLimitOf(service), name).toBeGreaterThan(0);
    }
  });

  test('when Tempo, Loki and Prometheus store data, then it goes to named volumes the stack declares', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const named = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => (typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '')))
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    expect(named.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(['loki-data', 'prometheus-data', 'tempo-data']);
  });
});
