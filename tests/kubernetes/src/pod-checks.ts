import type { Manifest } from './render';
import { kubernetesBytes, kubernetesCpu } from './quantities';

/**
 * Checks of DogBook's own Deployments. Each returns the problems it finds, one sentence each, so a
 * failing test prints what to fix, and a test can feed it a broken copy to show it would notice.
 */

const containersOf = (deployment: Manifest): any[] => deployment.spec?.template?.spec?.containers ?? [];
const podSpecOf = (deployment: Manifest): any => deployment.spec?.template?.spec ?? {};

/** The port a probe or a Service names: a number, or the name of one of the container's ports. */
export function resolvePort(container: any, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: any) => p.name === port)?.containerPort;
}

/** Readiness and liveness probes over HTTP, on the paths given, on a port the container opens. */
export function probeProblems(deployment: Manifest, paths: { readiness: string; liveness: string }): string[] {
  return containersOf(deployment).flatMap((container) => {
    const where = `${deployment.metadata.name}/${container.name}`;
    return (['readiness', 'liveness'] as const).flatMap((kind) => {
      const probe = container[`${kind}Probe`];
      if (!probe?.httpGet) return [`${where}: no HTTP ${kind} probe`];
      const problems: string[] = [];
      if (probe.httpGet.path !== paths[kind]) problems.push(`${where}: the ${kind} probe asks ${probe.httpGet.path}, not ${paths[kind]}`);
      if (resolvePort(container, probe.httpGet.port) === undefined) {
        problems.push(`${where}: the ${kind} probe's port ${probe.httpGet.port} is not a port of the container`);
      }
      return problems;
    });
  });
}

/** CPU and memory, each requested and limited, requests within limits, memory limit as expected. */
export function resourceProblems(deployment: Manifest, memoryLimitBytes: number): string[] {
  return containersOf(deployment).flatMap((container) => {
    const where = `${deployment.metadata.name}/${container.name}`;
    const { requests = {}, limits = {} } = container.resources ?? {};
    const missing = ['requests', 'limits'].flatMap((side) =>
      ['cpu', 'memory']
        .filter((resource) => (side === 'requests' ? requests : limits)[resource] === undefined)
        .map((resource) => `${where}: no ${resource} ${side.slice(0, -1)}`),
    );
    if (missing.length > 0) return missing;
    const problems: string[] = [];
    if (kubernetesCpu(requests.cpu) > kubernetesCpu(limits.cpu)) problems.push(`${where}: requests more CPU than its limit`);
    if (kubernetesBytes(requests.memory) > kubernetesBytes(limits.memory)) problems.push(`${where}: requests more memory than its limit`);
    if (kubernetesBytes(limits.memory) !== memoryLimitBytes) {
      problems.push(`${where}: memory limit ${limits.memory} is not ${memoryLimitBytes / 1024 ** 2}Mi`);
    }
    return problems;
  });
}

/** The seconds a container's preStop hook sleeps before SIGTERM (0 without one). */
export const preStopSeconds = (container: any): number => Number(container.lifecycle?.preStop?.sleep?.seconds ?? 0);

/**
 * terminationGracePeriodSeconds must cover the preStop sleep, then what the process may still take
 * after SIGTERM, and a second to exit: after it the kubelet sends SIGKILL.
 */
export function gracePeriodProblems(deployment: Manifest, afterSigtermSeconds: number): string[] {
  const grace = podSpecOf(deployment).terminationGracePeriodSeconds ?? 30;
  return containersOf(deployment).flatMap((container) => {
    const needed = preStopSeconds(container) + afterSigtermSeconds + 1;
    return grace >= needed
      ? []
      : [`${deployment.metadata.name}: terminationGracePeriodSeconds ${grace} is under the ${needed} s that stopping can take`];
  });
}
