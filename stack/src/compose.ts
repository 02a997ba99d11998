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

/** docker-compose.yml, with its `<<: *anchor` merges applied, as compose reads it. */
export function loadCompose(path = join(REPO_ROOT, 'docker-compose.yml')): ComposeFile {
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as ComposeFile;
}

export function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** A service's environment as strings, the way the container sees it. */
export function environmentOf(svc: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(svc.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
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
