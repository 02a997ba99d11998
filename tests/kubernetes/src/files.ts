import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';

/** The repository root: deploy/kubernetes, docker-compose.yml and the stack's files live there. */
export const repoRoot = join(__dirname, '..', '..', '..');

export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);

export function readRepoFile(path: string): string {
  const full = repoPath(path);
  if (!existsSync(full)) throw new Error(`${path} is missing from the repository`);
  return readFileSync(full, 'utf8');
}

/** YAML as the tools read it: a syntax error or a duplicate key fails, `<<: *anchor` merges apply. */
export function parseYaml<T>(text: string, name: string): T {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${name} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as T;
}

export function parseYamlStream<T>(text: string, name: string): T[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as T;
  });
}

export const readYaml = <T>(path: string): T => parseYaml<T>(readRepoFile(path), path);

/** A deep copy to break on purpose, so a test can show that a check catches a real mistake. */
export const copyOf = <T>(value: T): T => structuredClone(value);

/** `tempo:4317`, `0.0.0.0:4318`, `http://loki:3100/otlp` -> host, port and path. */
export function parseAddress(address: string): { host: string; port: number; path: string } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : NaN));
  return { host: url.hostname, port, path: url.pathname === '/' ? '' : url.pathname };
}

/** `KEY=value` lines, as `source` and kustomize's env files read them; comments and blanks skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [key = '', ...rest] = line.split('=');
        return [key, rest.join('=').replace(/\s+#.*$/, '').trim()];
      }),
  );
}
