import { spawnSync } from 'node:child_process';
import { repoPath } from './files';

/** The tools scripts/go-tools.sh builds from their Go modules, at the versions it pins. */
export type GoTool = 'kustomize' | 'docker-compose' | 'kube-apiserver' | 'kubectl' | 'etcd';

export const GO_TOOLS = 'scripts/go-tools.sh';

/**
 * The path of a real tool the checks run. The tests never build one (that needs Go and the module
 * proxy; CI builds them first): when it is missing, the script's message names the command that
 * builds it, and the test fails with that message.
 */
export function goTool(tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(repoPath(GO_TOOLS), ['path', tool], {
    encoding: 'utf8',
    env: { ...env, DOGBOOK_GO_TOOLS_NO_BUILD: '1' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(result.stderr.trim());
  return result.stdout.trim();
}
