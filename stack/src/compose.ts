/**
 * The one reader of docker-compose.yml: `pnpm stack:up` runs the stack from it, and the stack and
 * Kubernetes checks compare their files against it. Types, loading, and the few ways compose lets a
 * field be written (a list or a string, a map or `KEY=value` lines) are settled here, once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/** The repository root: docker-compose.yml and the files it mounts. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** The fields of a compose service that DogBook reads; compose's own loader checks the rest. */
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
  /** Set only on opt-in services, which `docker compose up` leaves out. */
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

/** The override that turns on the collector's tail sampling (docs/sampling.md). */
export const TAIL_SAMPLING_COMPOSE = 'docker-compose.tail-sampling.yml';

/**
 * The compose files `pnpm stack:up` runs, as `docker compose -f ... -f ...` would be given them:
 * DOGBOOK_SAMPLING=tail adds the tail-sampling override; unset (or `none`), docker-compose.yml alone.
 */
export function composeFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const sampling = env.DOGBOOK_SAMPLING ?? 'none';
  if (sampling === 'none' || sampling === '') return ['docker-compose.yml'];
  if (sampling === 'tail') return ['docker-compose.yml', TAIL_SAMPLING_COMPOSE];
  throw new Error(`DOGBOOK_SAMPLING must be "tail" or "none", not ${JSON.stringify(sampling)}`);
}

/** One compose file, strict as compose is (a duplicate key fails), with its `<<: *anchor` merges applied. */
function readComposeFile(path: string): ComposeFile {
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${path} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as ComposeFile;
}

/**
 * The compose files (relative to the repository root), each later one merged over the earlier as
 * compose merges them, for the keys DogBook reads: a service's `volumes` merge by their target
 * path, every other key is replaced.
 */
export function loadCompose(files: string[] = ['docker-compose.yml']): ComposeFile {
  const [first, ...overrides] = files.map((file) => readComposeFile(join(REPO_ROOT, file)));
  const merged = first!;
  for (const override of overrides) {
    for (const [name, svc] of Object.entries(override.services ?? {})) {
      const base = merged.services[name] ?? {};
      const volumes = [...(base.volumes ?? []), ...(svc.volumes ?? [])];
      const byTarget = new Map(volumes.map((volume) => [mountOf(volume).target, volume]));
      merged.services[name] = { ...base, ...svc, ...(byTarget.size > 0 ? { volumes: [...byTarget.values()] } : {}) };
    }
  }
  return merged;
}

export function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** A service's environment as strings, the way the container sees it, whichever of compose's two forms the file uses. */
export function environmentOf(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** The command-line arguments of a service, whether `command` is a list or one string. */
export function commandOf(svc: ComposeService): string[] {
  const command = svc.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

/** The healthcheck's command as one string, whether `test` is a list or one string, for finding a URL or flag in it. */
export function healthcheckCommand(svc: ComposeService): string {
  const test = svc.healthcheck?.test ?? [];
  return Array.isArray(test) ? test.join(' ') : test;
}

export interface Mount {
  /** `./tempo.yaml` (a file from the repository) or `tempo-data` (a named volume). */
  source: string;
  /** Where the container sees it: `/etc/tempo/tempo.yaml`, `/var/tempo`. */
  target: string;
  namedVolume: boolean;
}

/** `./tempo.yaml:/etc/tempo/tempo.yaml:ro`, or compose's long form, as source and target. */
function mountOf(volume: string | { source?: string; target?: string }): Mount {
  const [source = '', target = ''] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
  return { source, target, namedVolume: !source.startsWith('.') && !source.startsWith('/') };
}

export const mountsOf = (svc: ComposeService): Mount[] => (svc.volumes ?? []).map(mountOf);

/** `nginxinc/nginx-unprivileged:1.30.4-alpine` -> repository and tag; a registry's port and a digest are not the tag. */
export function imageParts(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: undefined };
}

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Compose's byte values (`160M`, `1g`, `512mb`, a plain number of bytes) in bytes. Docker's units
 * are binary: `160M` is 160 MiB, what Kubernetes writes as `160Mi`.
 */
export function composeBytes(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a compose byte value: ${value}`);
  return Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!;
}

/** The service's memory limit in bytes, from `deploy` or the older `mem_limit`; undefined when it has none. */
export function memoryLimitOf(svc: ComposeService): number | undefined {
  const limit = svc.deploy?.resources?.limits?.memory ?? svc.mem_limit;
  return limit === undefined ? undefined : composeBytes(limit);
}
