import { describe, expect, test } from 'vitest';
import { loadCompose, memoryLimitOf, mountsOf } from '@dogbook/stack/compose';
import { builtServices, inDefaultStack } from '../src/compose';
import { dependencyProblems, memoryLimitProblems, MiB, totalMemoryLimit, unpinnedImages } from '../src/compose-checks';
import { copyOf } from '../src/files';

const compose = loadCompose();

/** The stack must fit a 2 GiB Docker Desktop VM with room to spare for the engine itself. */
const MEMORY_BUDGET = 1792 * MiB;

describe('docker-compose.yml', () => {
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
    const defaultStack = {
      ...compose,
      services: Object.fromEntries(Object.entries(compose.services).filter(([, s]) => inDefaultStack(s))),
    };
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
      .flatMap(mountsOf)
      .filter((mount) => mount.namedVolume)
      .map((mount) => mount.source);
    expect(named.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(['loki-data', 'prometheus-data', 'tempo-data']);
  });
});
