import { spawnSync } from 'node:child_process';
import { parseYamlStream, repoPath } from './files';

/** The fields of a rendered object the checks read; the API server checks the rest. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: any;
}

export const KUSTOMIZE = 'deploy/kubernetes/kustomize.sh';
export const RENDER_ARGS = ['build', '--load-restrictor', 'LoadRestrictionsNone', 'deploy/kubernetes'];

/**
 * deploy/kubernetes rendered by the pinned kustomize, exactly as `pnpm k8s:render` prints it. The
 * tests never build kustomize (that needs the Go module proxy): when it is missing, the script's
 * message says how to build it, and the tests fail with that message.
 */
export function renderText(env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(repoPath(KUSTOMIZE), RENDER_ARGS, {
    cwd: repoPath(),
    encoding: 'utf8',
    env: { ...env, DOGBOOK_GO_TOOLS_NO_BUILD: '1' },
    timeout: 15_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kustomize build failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

export const renderManifests = (env: NodeJS.ProcessEnv = process.env): Manifest[] =>
  parseYamlStream<Manifest>(renderText(env), 'the rendered manifests');

export const byKind = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

/** A ConfigMap by the name a manifest or a values file uses; kustomize may have added a hash suffix. */
export function configMapNamed(manifests: Manifest[], name: string): Manifest | undefined {
  return byKind(manifests, 'ConfigMap').find((m) => m.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(m.metadata.name));
}
