import { readYaml } from './files';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string | string[];
  ports?: Array<string | number | { host_ip?: string; published?: string | number; target?: number }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { resources?: { limits?: { memory?: string } } };
  mem_limit?: string | number;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  init?: boolean;
  user?: string;
  profiles?: string[];
  read_only?: boolean;
  restart?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export const loadCompose = (): ComposeFile => readYaml<ComposeFile>('docker-compose.yml');

/** A service's environment as a map, whichever of compose's two forms the file uses. */
export function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Whether `docker compose up` starts the service: it belongs to no opt-in profile. */
export const inDefaultStack = (service: ComposeService): boolean => service.profiles === undefined;

/**
 * DogBook's own Node services: those of the default stack that compose builds from the
 * repository's Dockerfile, at its default (last) stage (not the opt-in load generator, which is
 * built there too, nor the gateway, built from its `gateway` stage).
 */
export function builtServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.build !== undefined && buildTarget(service) === undefined && inDefaultStack(service))
    .map(([name]) => name);
}

/** The Dockerfile stage compose builds for a service; undefined for the default, the last one. */
export function buildTarget(service: ComposeService): string | undefined {
  return typeof service.build === 'object' ? service.build.target : undefined;
}

/** The services that run only when their profile is asked for: `docker compose --profile load up`. */
export function optInServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => !inDefaultStack(service))
    .map(([name]) => name);
}

/** The compose service that runs `image` (the repository part, without a tag), if any. */
export function serviceRunning(compose: ComposeFile, imageRepository: string): string | undefined {
  return Object.entries(compose.services).find(
    ([, service]) => service.image !== undefined && imageParts(service.image).repository === imageRepository,
  )?.[0];
}

export function imageParts(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: undefined };
}

/** The command-line flags of a service, whether `command` is a list or one string. */
export function commandOf(service: ComposeService): string[] {
  const command = service.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

/** `./tempo.yaml:/etc/tempo/tempo.yaml:ro` -> source and target. */
export function mountsOf(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target ?? '' };
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

/** The healthcheck command as one string, for matching a URL or flag in it. */
export function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (test === undefined) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Compose's byte values (`160M`, `1g`, `512mb`, a plain number of bytes) in bytes. */
export function bytesOf(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a compose byte value: ${value}`);
  return Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!;
}

export function memoryLimitOf(service: ComposeService): number | undefined {
  const limit = service.deploy?.resources?.limits?.memory ?? service.mem_limit;
  return limit === undefined ? undefined : bytesOf(limit);
}
