import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { type ApiServer, startApiServer } from '../src/cluster';
import { copyOf } from '../src/files';
import { byKind, find, type Manifest, renderManifests, renderText } from '../src/render';

/**
 * The rendered manifests (`pnpm k8s:render`) on a real kube-apiserver with etcd, started here and
 * stopped after: the server's own validation and its Pod Security admission judge them. There is no
 * node and no controller, so nothing runs: the objects are stored, defaulted and read back.
 */

const text = renderText();
const manifests = renderManifests();
const deployments = byKind(manifests, 'Deployment');
/** A namespace of the test's own that enforces "restricted", where the pods are tried. */
const RESTRICTED = 'restricted-check';

let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer();
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const kubectl = (args: string[], objects?: unknown[]) =>
  server.kubectl(args, objects === undefined ? undefined : objects.map((o) => stringify(o)).join('---\n'));

/** What a Deployment's ReplicaSet would create: a Pod from its template. */
const podOf = (deployment: Manifest, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: deployment.metadata.name, namespace, labels: deployment.spec.template.metadata.labels },
  spec: deployment.spec.template.spec,
});

/** With no controller-manager, nobody creates a namespace's `default` ServiceAccount, which pods need. */
async function createDefaultServiceAccount(namespace: string) {
  const account = await kubectl(['create', 'serviceaccount', 'default', '-n', namespace]);
  expect(account.stderr).toBe('');
}

async function createNamespace(name: string, labels: Record<string, string>) {
  const created = await kubectl(['apply', '-f', '-'], [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }]);
  expect(created.stderr).toBe('');
  await createDefaultServiceAccount(name);
}

const SERVER_SIDE_APPLY = ['apply', '--server-side', '--field-manager=dogbook', '--warnings-as-errors', '-f', '-'];

describe('the rendered manifests on a real API server', () => {
  test('when they are applied server-side with warnings as errors, then the server accepts every object, silently', async () => {
    const applied = await server.kubectl(SERVER_SIDE_APPLY, text);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout.trim().split('\n')).toHaveLength(manifests.length);
  });

  test("when a pod is made from each Deployment's template, then Pod Security admits it under restricted", async () => {
    await createNamespace(RESTRICTED, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(deployments).toHaveLength(4);
    for (const deployment of deployments) {
      const pod = await kubectl(['create', '--dry-run=server', '--warnings-as-errors', '-f', '-'], [podOf(deployment, RESTRICTED)]);
      expect(pod.stderr, deployment.metadata.name).toBe('');
      expect(pod.stdout.trim()).toBe(`pod/${deployment.metadata.name} created (server dry run)`);
    }
  });

  test('when the applied objects are read back, then the server holds every one, with every field the manifests set', async () => {
    const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
    const held = await server.kubectl(['get', '-f', '-', '-o', 'json'], text);
    expect(held.stderr).toBe('');
    const stored = new Map((JSON.parse(held.stdout).items as Manifest[]).map((m) => [key(m), m]));
    expect([...stored.keys()].sort()).toEqual(manifests.map(key).sort());
    for (const manifest of manifests) {
      const object = stored.get(key(manifest))!;
      // The server adds defaults and status; it must drop or change nothing the manifests say.
      expect(object.metadata, key(manifest)).toMatchObject(manifest.metadata);
      if (manifest.spec !== undefined) expect(object.spec, key(manifest)).toMatchObject(manifest.spec);
      if (manifest.data !== undefined) expect(object.data, key(manifest)).toEqual(manifest.data);
    }
  });
});

describe('the real checks catch a broken copy', () => {
  test('when a manifest has a field the API does not know, or a wrongly typed one, then server-side apply refuses it with the reason', async () => {
    const unknown = copyOf(find(manifests, 'Deployment', 'kennels'));
    unknown.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const refused = await kubectl([...SERVER_SIDE_APPLY, '--dry-run=server'], [unknown]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/imagePullPolicyy: field not declared in schema/);

    const wrongType = copyOf(find(manifests, 'Service', 'dogs'));
    wrongType.spec.ports[0].port = 'eighty';
    const refusedType = await kubectl([...SERVER_SIDE_APPLY, '--dry-run=server'], [wrongType]);
    expect(refusedType.status).not.toBe(0);
    expect(refusedType.stderr).toMatch(/port: expected numeric \(int or float\), got string/);
  });

  test('when a pod would run as root, then Pod Security refuses it under restricted, naming the setting', async () => {
    const root = copyOf(find(manifests, 'Deployment', 'dogs'));
    root.spec.template.spec.securityContext.runAsNonRoot = false;
    root.spec.template.spec.securityContext.runAsUser = 0;
    const refused = await kubectl(['create', '--dry-run=server', '-f', '-'], [podOf(root, RESTRICTED)]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest": .*runAsNonRoot != true/);
    expect(refused.stderr).toMatch(/runAsUser=0/);
  });

  test("when a Deployment's pods would run as root, then applying it to the dogbook namespace warns, and fails with warnings as errors", async () => {
    const root = copyOf(find(manifests, 'Deployment', 'inventory'));
    root.spec.template.spec.securityContext.runAsNonRoot = false;
    const refused = await kubectl([...SERVER_SIDE_APPLY, '--dry-run=server'], [root]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/would violate PodSecurity "restricted:latest": runAsNonRoot != true/);
  });

  test('when a container is privileged, then the dogbook namespace refuses its pod under baseline', async () => {
    await createDefaultServiceAccount('dogbook');
    const privileged = copyOf(find(manifests, 'Deployment', 'nginx'));
    const context = privileged.spec.template.spec.containers[0].securityContext;
    // The API refuses privileged with allowPrivilegeEscalation false before Pod Security looks.
    delete context.allowPrivilegeEscalation;
    context.privileged = true;
    const refused = await kubectl(['create', '--dry-run=server', '-f', '-'], [podOf(privileged, 'dogbook')]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /violates PodSecurity "baseline:latest": privileged \(container "nginx" must not set securityContext\.privileged=true\)/,
    );
  });
});
