import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/** The repository root, where docker-compose.yml and the stack's configuration files live. */
export const repoRoot = join(__dirname, '..', '..', '..');

export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);

export function readRepoFile(path: string): string {
  const full = repoPath(path);
  if (!existsSync(full)) throw new Error(`${path} is missing from the repository`);
  return readFileSync(full, 'utf8');
}

/**
 * Parses YAML the way the stack's tools do: a syntax error or a duplicate key fails, and compose's
 * `<<: *anchor` merges are applied.
 */
export function parseYaml<T>(text: string, name: string): T {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new Error(`${name} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return doc.toJS() as T;
}

export const readYaml = <T>(path: string): T => parseYaml<T>(readRepoFile(path), path);

export const readJson = <T>(path: string): T => JSON.parse(readRepoFile(path)) as T;

/** A deep copy to break on purpose, so a test can show that a check catches a real mistake. */
export const copyOf = <T>(value: T): T => structuredClone(value);

/** `{ a: { b: 1 } }` -> `['a', 'a.b']`: every key path of a parsed configuration file. */
export function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(child, path)];
  });
}

/** `tempo:4317`, `0.0.0.0:4318`, `http://loki:3100/otlp` -> host, port and path. */
export function parseAddress(address: string): { host: string; port: number; path: string } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : NaN));
  return { host: url.hostname, port, path: url.pathname === '/' ? '' : url.pathname };
}
