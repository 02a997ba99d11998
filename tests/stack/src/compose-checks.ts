import { type ComposeFile, imageParts, memoryLimitOf } from '@dogbook/stack/compose';

/**
 * Each check returns the problems it finds, one sentence each, so a failing test prints what to fix
 * and a test can also feed a check a broken copy of the file to show that it would notice.
 */

/** An exact release: `3.0.3`, `v3.14.0`, `1.30.4-alpine`, `24.9.0-bookworm-slim`. Not `latest`, not `3`. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/;

export function isExactVersionTag(tag: string | undefined): boolean {
  return tag !== undefined && EXACT_VERSION.test(tag);
}

export function unpinnedImages(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (service.image === undefined) {
      return service.build === undefined ? [`${name} has neither an image nor a build`] : [];
    }
    const { tag } = imageParts(service.image);
    return isExactVersionTag(tag) ? [] : [`${name} uses ${service.image}: pin an exact released version`];
  });
}

/** The container port a published port leads to: `127.0.0.1:${X:-8080}:8080` -> 8080. */
export function containerPorts(compose: ComposeFile, service: string): number[] {
  return (compose.services[service]?.ports ?? []).map((port) =>
    typeof port === 'object' ? Number(port.target) : Number(String(port).split(':').at(-1)!.split('/')[0]),
  );
}

/**
 * `depends_on` only in the long form, and `service_healthy` only on a healthcheck: Compose's loader
 * accepts both mistakes (it refuses a dependency on an undefined service itself).
 */
export function dependencyProblems(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    const dependsOn = service.depends_on;
    if (dependsOn === undefined) return [];
    if (Array.isArray(dependsOn)) return [`${name} lists depends_on without conditions`];
    return Object.entries(dependsOn).flatMap(([dependency, { condition }]) => {
      const target = compose.services[dependency];
      if (condition === 'service_healthy' && (!target?.healthcheck?.test || target.healthcheck.disable)) {
        return [`${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`];
      }
      return condition ? [] : [`${name} depends on ${dependency} without a condition`];
    });
  });
}

/**
 * An opt-in service (one with `profiles`) joins the running stack on request: it must publish
 * nothing, run locked down as the services do, and be something the default stack never needs.
 */
export function optInProblems(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (service.profiles === undefined) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      return dependencies
        .filter((dependency) => compose.services[dependency]?.profiles !== undefined)
        .map((dependency) => `${name} needs ${dependency}, which only runs under --profile`);
    }
    const problems: string[] = [];
    if ((service.ports ?? []).length > 0) problems.push(`${name} is opt-in but publishes ports`);
    if (service.read_only !== true) problems.push(`${name} has a writable filesystem (read_only: true)`);
    if (service.init !== true) problems.push(`${name} runs Node as PID 1 (init: true)`);
    if (service.user !== undefined && /^(root|0)(:|$)/.test(String(service.user))) problems.push(`${name} runs as root`);
    if (memoryLimitOf(service) === undefined) problems.push(`${name} has no memory limit`);
    return problems;
  });
}

export const MiB = 1024 ** 2;

export function memoryLimitProblems(compose: ComposeFile, budgetBytes: number): string[] {
  const missing = Object.entries(compose.services)
    .filter(([, service]) => memoryLimitOf(service) === undefined)
    .map(([name]) => `${name} has no memory limit`);
  const total = totalMemoryLimit(compose);
  const over = total > budgetBytes ? [`memory limits add up to ${total / MiB} MiB, over ${budgetBytes / MiB} MiB`] : [];
  return [...missing, ...over];
}

export function totalMemoryLimit(compose: ComposeFile): number {
  return Object.values(compose.services).reduce((sum, service) => sum + (memoryLimitOf(service) ?? 0), 0);
}
