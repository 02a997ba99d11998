import type { Manifest } from './render';

/**
 * Validation against the Kubernetes API's own OpenAPI schemas, as published in the
 * kubernetes-models package (one model per apiVersion and kind, e.g.
 * `kubernetes-models/apps/v1/Deployment`; the core group is plain `v1`). Wrong types, missing
 * required fields and values outside an enum are reported. Unknown fields are not: the upstream
 * schemas allow them, and the API server rejects them at apply time (kubectl's --validate=strict).
 */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const what = `${manifest.kind} ${manifest.metadata?.name ?? '(no name)'}`;
  let Model: { new (data: unknown): { validate(): void } };
  try {
    const module = (await import(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`)) as Record<string, any>;
    Model = module[manifest.kind];
  } catch {
    return [`${what}: no Kubernetes schema for ${manifest.apiVersion} ${manifest.kind}`];
  }
  try {
    new Model(manifest).validate();
    return [];
  } catch (error) {
    return [`${what}: ${(error as Error).message}`];
  }
}
