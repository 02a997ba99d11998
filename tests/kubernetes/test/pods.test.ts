import { SERVICE_NAMES } from '@dogbook/tracing/conventions';
import { describe, expect, test } from 'vitest';
import { composeBytes, loadCompose } from '@dogbook/stack/compose';
import { copyOf, readRepoFile } from '../src/files';
import { gracePeriodProblems, preStopSeconds, probeProblems, resourceProblems } from '../src/pod-checks';
import { MiB } from '../src/quantities';
import { byKind, find, renderManifests } from '../src/render';

const manifests = renderManifests();
const deployments = byKind(manifests, 'Deployment');
const compose = loadCompose();

/** What serve.ts allows itself after SIGTERM: draining, then flushing spans, each with a deadline. */
const serveDeadlines = (() => {
  const serve = readRepoFile('packages/service-kit/src/serve.ts');
  const ms = (name: string) => Number(new RegExp(`const ${name} = ([\\d_]+);`).exec(serve)?.[1]?.replaceAll('_', ''));
  return { drainMs: ms('DRAIN_DEADLINE_MS'), flushMs: ms('FLUSH_DEADLINE_MS') };
})();
const serviceStopSeconds = Math.ceil((serveDeadlines.drainMs + serveDeadlines.flushMs) / 1000);

/** nginx's longest wait for an upstream answer, which a graceful quit lets finish. */
const nginxStopSeconds = Number(/proxy_read_timeout\s+(\d+)s;/.exec(readRepoFile('nginx/templates/dogbook.conf.template'))?.[1]);

const composeMemory = (name: string) => composeBytes(compose.services[name]!.deploy!.resources!.limits!.memory!);

describe("DogBook's pods", () => {
  test('when the manifests render, then there is one Deployment for each compose service DogBook builds, and the gateway', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['dogs', 'inventory', 'kennels', 'nginx']);
  });

  test('when a container starts, then its root filesystem is read-only, which Pod Security restricted does not ask', () => {
    for (const deployment of deployments) {
      const containers = deployment.spec.template.spec.containers as Array<{
        name: string;
        securityContext?: { readOnlyRootFilesystem?: boolean };
      }>;
      for (const container of containers) {
        expect(container.securityContext?.readOnlyRootFilesystem, `${deployment.metadata.name}/${container.name}`).toBe(true);
      }
    }
  });

  test('when Kubernetes probes a Node service, then readiness asks /readyz and liveness /healthz, on its port', () => {
    for (const name of SERVICE_NAMES) {
      expect(probeProblems(find(manifests, 'Deployment', name), { readiness: '/readyz', liveness: '/healthz' }), name).toEqual([]);
    }
  });

  test('when Kubernetes probes the gateway, then both probes ask the /healthz that nginx answers itself', () => {
    expect(probeProblems(find(manifests, 'Deployment', 'nginx'), { readiness: '/healthz', liveness: '/healthz' })).toEqual([]);
    expect(readRepoFile('nginx/templates/dogbook.conf.template')).toMatch(/location\s*=\s*\/healthz\s*\{[^}]*return 200/);
  });

  test('when a probe is dropped or asks the wrong path or port, then the probe check reports it', () => {
    const broken = copyOf(find(manifests, 'Deployment', 'dogs'));
    const container = broken.spec.template.spec.containers[0];
    delete container.livenessProbe;
    container.readinessProbe.httpGet = { path: '/healthz', port: 'metrics' };
    expect(probeProblems(broken, { readiness: '/readyz', liveness: '/healthz' })).toEqual([
      'dogs/service: the readiness probe asks /healthz, not /readyz',
      "dogs/service: the readiness probe's port metrics is not a port of the container",
      'dogs/service: no HTTP liveness probe',
    ]);
  });

  test('when a pod is scheduled, then it requests and limits CPU and memory, and its memory limit is the one compose gives it', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      expect(resourceProblems(deployment, composeMemory(name)), name).toEqual([]);
    }
    expect(composeMemory('kennels')).toBe(192 * MiB);
    expect(composeMemory('dogs')).toBe(160 * MiB);
  });

  test('when a limit is missing, exceeded by its request or differs from compose, then the resource check reports it', () => {
    const broken = copyOf(find(manifests, 'Deployment', 'inventory'));
    const resources = broken.spec.template.spec.containers[0].resources;
    delete resources.limits.cpu;
    expect(resourceProblems(broken, 160 * MiB)).toEqual(['inventory/service: no cpu limit']);
    resources.limits = { cpu: '10m', memory: '512Mi' };
    expect(resourceProblems(broken, 160 * MiB)).toEqual([
      'inventory/service: requests more CPU than its limit',
      'inventory/service: memory limit 512Mi is not 160Mi',
    ]);
  });

  test("when a Node service is deleted, then the grace period covers the preStop sleep and serve.ts's drain and flush deadlines", () => {
    expect(serveDeadlines).toEqual({ drainMs: 5000, flushMs: 3000 });
    for (const name of SERVICE_NAMES) {
      const deployment = find(manifests, 'Deployment', name);
      expect(preStopSeconds(deployment.spec.template.spec.containers[0]), name).toBeGreaterThan(0);
      expect(gracePeriodProblems(deployment, serviceStopSeconds), name).toEqual([]);
    }
  });

  test('when the gateway is deleted, then the grace period covers the preStop sleep and the longest proxied request', () => {
    expect(nginxStopSeconds).toBe(20);
    expect(gracePeriodProblems(find(manifests, 'Deployment', 'nginx'), nginxStopSeconds)).toEqual([]);
  });

  test('when the grace period is shorter than stopping takes, then the grace period check reports it', () => {
    const broken = copyOf(find(manifests, 'Deployment', 'kennels'));
    broken.spec.template.spec.terminationGracePeriodSeconds = 10;
    expect(gracePeriodProblems(broken, serviceStopSeconds)).toEqual([
      'kennels: terminationGracePeriodSeconds 10 is under the 12 s that stopping can take',
    ]);
  });
});
