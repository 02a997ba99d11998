import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/** The repository root: docker-compose.yml and the files it mounts. */
export const REPO_ROOT = join(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  healthcheck?: { test?: string[] };
  deploy?: { resources?: { limits?: { memory?: string } } };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
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

/** One compose file, with its `<<: *anchor` merges applied, as compose reads it. */
function readComposeFile(path: string): ComposeFile {
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as ComposeFile;
}

/**
 * The compose files (relative to the repository root), each later one merged over the earlier as
 * compose merges them, for the keys the stack reads: a service's `volumes` merge by their target
 * path, every other key is replaced.
 */
export function loadCompose(files: string[] = ['docker-compose.yml']): ComposeFile {
  const [first, ...overrides] = files.map((file) => readComposeFile(join(REPO_ROOT, file)));
  const merged = first!;
  for (const override of overrides) {
    for (const [name, svc] of Object.entries(override.services ?? {})) {
      const base = merged.services[name] ?? {};
      const byTarget = new Map([...(base.volumes ?? []), ...(svc.volumes ?? [])].map((v) => [v.split(':')[1], v]));
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

/** A service's environment as strings, the way the container sees it. */
export function environmentOf(svc: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(svc.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

export interface Mount {
  /** `./tempo.yaml` (a file from the repository) or `tempo-data` (a named volume). */
  source: string;
  /** Where the container sees it: `/etc/tempo/tempo.yaml`, `/var/tempo`. */
  target: string;
  namedVolume: boolean;
}

export function mountsOf(svc: ComposeService): Mount[] {
  return (svc.volumes ?? []).map((volume) => {
    const [source = '', target = ''] = volume.split(':');
    return { source, target, namedVolume: !source.startsWith('.') && !source.startsWith('/') };
  });
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** The service's compose memory limit in bytes (`160M` -> 167772160). */
export function memoryLimitOf(svc: ComposeService): number {
  const limit = svc.deploy?.resources?.limits?.memory;
  const match = /^(\d+)([kmg]?)$/i.exec(limit ?? '');
  if (!match) throw new Error(`no memory limit of the form 160M: ${limit}`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}
