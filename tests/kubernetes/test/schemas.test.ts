import { describe, expect, test } from 'vitest';
import { copyOf } from '../src/files';
import { find, renderManifests } from '../src/render';
import { schemaProblems } from '../src/schemas';

const manifests = renderManifests();

describe('the rendered manifests against the Kubernetes API schemas', () => {
  test('when kustomize renders deploy/kubernetes, then every object is valid for its apiVersion and kind', async () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      ...Array(7).fill('ConfigMap'),
      ...Array(4).fill('Deployment'),
      'Namespace',
      ...Array(4).fill('Service'),
    ]);
    const problems = (await Promise.all(manifests.map(schemaProblems))).flat();
    expect(problems).toEqual([]);
  });

  test('when a Deployment has a wrongly typed or a missing field, then the schema check rejects it', async () => {
    const broken = copyOf(find(manifests, 'Deployment', 'kennels'));
    broken.spec.replicas = 'two';
    delete broken.spec.template.spec.containers[0].name;
    const problems = await schemaProblems(broken);
    expect(problems.join('\n')).toMatch(/spec\/replicas must be integer/);
    expect(problems.join('\n')).toMatch(/containers\/0 must have required property name/);
  });

  test('when a Service port is a string or a probe port an object, then the schema check rejects it', async () => {
    const service = copyOf(find(manifests, 'Service', 'nginx'));
    service.spec.ports[0].port = '8080';
    expect((await schemaProblems(service)).join('\n')).toMatch(/ports\/0\/port must be integer/);
    const deployment = copyOf(find(manifests, 'Deployment', 'nginx'));
    deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'http' };
    expect(await schemaProblems(deployment)).not.toEqual([]);
  });

  test('when an object names a kind the API does not have, then the schema check says so', async () => {
    const broken = copyOf(find(manifests, 'Deployment', 'dogs'));
    broken.kind = 'Deploymnet';
    expect(await schemaProblems(broken)).toEqual(['Deploymnet dogs: no Kubernetes schema for apps/v1 Deploymnet']);
  });
});
