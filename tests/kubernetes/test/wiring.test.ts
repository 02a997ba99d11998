import { SERVICE_NAMES } from '@dogbook/tracing/conventions';
import { describe, expect, test } from 'vitest';
import { environmentOf, imageParts, loadCompose } from '@dogbook/stack/compose';
import { isExactVersionTag } from '@dogbook/stack-checks/compose-checks';
import { parseAddress, parseYaml, readRepoFile } from '../src/files';
import { resolvePort } from '../src/pod-checks';
import { byKind, configMapNamed, find, type Manifest, renderManifests } from '../src/render';

const manifests = renderManifests();
const compose = loadCompose();

const containerOf = (name: string) => find(manifests, 'Deployment', name).spec.template.spec.containers[0];

/** A container's environment as the process sees it: the ConfigMaps it imports, then its own env. */
function effectiveEnv(name: string): Record<string, string> {
  const container = containerOf(name);
  const imported = (container.envFrom ?? []).map((source: any) => {
    const configMap = configMapNamed(manifests, source.configMapRef.name);
    if (!configMap) throw new Error(`${name} imports ConfigMap ${source.configMapRef.name}, which is not rendered`);
    return configMap.data ?? {};
  });
  const own = Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value]));
  return Object.assign({}, ...imported, own);
}

/** The Service in front of a Deployment: it selects the pods and leads to a port they open. */
function serviceProblems(service: Manifest): string[] {
  const name = service.metadata.name;
  const deployment = byKind(manifests, 'Deployment').find((d) =>
    Object.entries(service.spec.selector ?? {}).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v),
  );
  if (!deployment) return [`Service ${name} selects no Deployment's pods`];
  const container = deployment.spec.template.spec.containers[0];
  return (service.spec.ports ?? [])
    .filter((port: any) => resolvePort(container, port.targetPort ?? port.port) === undefined)
    .map((port: any) => `Service ${name} leads to port ${port.targetPort}, which ${deployment.metadata.name} does not open`);
}

describe('names, ports and addresses agree across the manifests, compose and the gateway template', () => {
  test('when a Deployment runs, then a ClusterIP Service of the same name selects its pods and leads to its port', () => {
    const services = byKind(manifests, 'Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['dogs', 'inventory', 'kennels', 'nginx']);
    for (const service of services) expect(service.spec.type, service.metadata.name).toBe('ClusterIP');
    expect(services.flatMap(serviceProblems)).toEqual([]);
  });

  test('when a Service selects no pods or leads to a port nobody opens, then the Service check reports it', () => {
    const wrongSelector = structuredClone(find(manifests, 'Service', 'dogs'));
    wrongSelector.spec.selector = { 'app.kubernetes.io/name': 'dog' };
    const wrongPort = structuredClone(find(manifests, 'Service', 'kennels'));
    wrongPort.spec.ports[0].targetPort = 'metrics';
    expect([...serviceProblems(wrongSelector), ...serviceProblems(wrongPort)]).toEqual([
      "Service dogs selects no Deployment's pods",
      'Service kennels leads to port metrics, which kennels does not open',
    ]);
  });

  test('when a Node service starts, then its environment is exactly the one compose gives it', () => {
    for (const name of SERVICE_NAMES) {
      expect(effectiveEnv(name), name).toEqual(environmentOf(compose.services[name]!));
    }
  });

  test('when a Node service listens on PORT, then its container port, its Service and every caller use that port', () => {
    for (const name of SERVICE_NAMES) {
      const port = Number(effectiveEnv(name).PORT);
      expect(resolvePort(containerOf(name), 'http'), name).toBe(port);
      expect(find(manifests, 'Service', name).spec.ports[0].port, name).toBe(port);
    }
    const kennels = effectiveEnv('kennels');
    for (const [variable, target] of [
      ['INVENTORY_URL', 'inventory'],
      ['DOGS_URL', 'dogs'],
    ] as const) {
      const { host, port } = parseAddress(kennels[variable] ?? '');
      expect({ host, port }, variable).toEqual({ host: target, port: find(manifests, 'Service', target).spec.ports[0].port });
    }
  });

  test("when the gateway starts, then its environment is compose's and every upstream is a Service on its port", () => {
    const env = effectiveEnv('nginx');
    expect(env).toEqual(environmentOf(compose.services.nginx!));
    for (const [variable, target] of [
      ['KENNELS_UPSTREAM', 'kennels'],
      ['INVENTORY_UPSTREAM', 'inventory'],
      ['DOGS_UPSTREAM', 'dogs'],
    ] as const) {
      const { host, port } = parseAddress(env[variable] ?? '');
      expect({ host, port }, variable).toEqual({ host: target, port: find(manifests, 'Service', target).spec.ports[0].port });
    }
    expect(resolvePort(containerOf('nginx'), 'http')).toBe(Number(env.NGINX_PORT));
  });

  test("when the image renders the gateway template, then it is the repository's file, mounted where the image looks, as default.conf.template", () => {
    const deployment = find(manifests, 'Deployment', 'nginx');
    const volumes = Object.fromEntries(deployment.spec.template.spec.volumes.map((v: any) => [v.name, v]));
    const mounts = Object.fromEntries(containerOf('nginx').volumeMounts.map((m: any) => [m.mountPath, m.name]));
    const templates = configMapNamed(manifests, volumes[mounts['/etc/nginx/templates']].configMap.name);
    // The same file, byte for byte: no second copy of the gateway exists.
    expect(templates?.data).toEqual({ 'default.conf.template': readRepoFile('nginx/templates/dogbook.conf.template') });
    // The rendered file and nginx's pid and buffers need writable places on a read-only root.
    expect(volumes[mounts['/etc/nginx/conf.d']].emptyDir).toBeDefined();
    expect(volumes[mounts['/tmp']].emptyDir).toBeDefined();
    // Compose mounts the template under the same name.
    expect(compose.services.nginx!.volumes).toContain(
      './nginx/templates/dogbook.conf.template:/etc/nginx/templates/default.conf.template:ro',
    );
  });

  test('when an image is loaded, then its tag is exact: each service its package.json version, the gateway the version of the page it serves', () => {
    const images = Object.fromEntries(
      byKind(manifests, 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]),
    );
    const versionOf = (path: string) => parseYaml<{ version: string }>(readRepoFile(`${path}/package.json`), path).version;
    for (const name of SERVICE_NAMES) {
      const { repository, tag } = imageParts(images[name]!);
      expect(repository, name).toBe(`dogbook-${name}`);
      expect(isExactVersionTag(tag), name).toBe(true);
      expect(tag, name).toBe(versionOf(`services/${name}`));
    }
    // Compose builds the gateway from the Dockerfile's gateway target; the cluster loads that image.
    expect(compose.services.nginx!.build).toMatchObject({ target: 'gateway', args: { SERVICE: 'web' } });
    expect(images.nginx).toBe(`dogbook-gateway:${versionOf('packages/web')}`);
  });

  test('when an image tag changes, then it changes in one place: kustomization.yaml, never in a manifest', () => {
    for (const file of ['kennels.yaml', 'inventory.yaml', 'dogs.yaml', 'nginx.yaml']) {
      const images = [...readRepoFile(`deploy/kubernetes/${file}`).matchAll(/^\s*image:\s*(\S+)/gm)].map((m) => m[1]!);
      expect(images.length, file).toBe(1);
      expect(imageParts(images[0]!).tag, file).toBeUndefined();
    }
  });

  test('when the manifests are applied, then everything lands in the dogbook namespace', () => {
    const namespaced = manifests.filter((m) => m.kind !== 'Namespace');
    expect(new Set(namespaced.map((m) => m.metadata.namespace))).toEqual(new Set(['dogbook']));
  });
});
