import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { repoPath, repoRoot } from './files';
import { goTool } from './go-tools';

/**
 * docker-compose.yml through Compose's own loader (compose-go, what `docker compose up` reads it
 * with), run as `docker compose config`, which needs no engine.
 */

export interface ComposeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The compose files a stack is started from: docker-compose.yml, and each override file beside it with it. */
export function composeFileSets(): string[][] {
  const overrides = readdirSync(repoRoot).filter((name) => /^(docker-)?compose\..+\.ya?ml$/.test(name));
  return [['docker-compose.yml'], ...overrides.map((override) => ['docker-compose.yml', override])];
}

/**
 * Runs `docker compose -f ... <args>` from the repository root. Only PATH and HOME come from the
 * caller's environment, so a DOGBOOK_PORT set in a shell does not change what the tests see.
 */
export function runCompose(files: string[], args: string[], env: Record<string, string> = {}): ComposeRun {
  const result = spawnSync(
    goTool('docker-compose'),
    ['--project-directory', repoRoot, ...files.flatMap((file) => ['-f', isAbsolute(file) ? file : repoPath(file)]), ...args],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The profiles the files name, as Compose lists them. */
export function profilesOf(files: string[]): string[] {
  const listed = runCompose(files, ['config', '--profiles']);
  if (listed.status !== 0) throw new Error(listed.stderr);
  return listed.stdout.split('\n').filter(Boolean);
}

/** A published port in Compose's canonical form. */
export interface PublishedPort {
  service: string;
  host_ip?: string;
  published?: string;
  target: number;
}

/** The stack as Compose resolves it (interpolated, merged, defaults filled in): the ports it publishes. */
export function publishedPorts(files: string[], profiles: string[], env: Record<string, string> = {}): PublishedPort[] {
  const resolved = runCompose(files, [...profiles.flatMap((p) => ['--profile', p]), 'config', '--format', 'json'], env);
  if (resolved.status !== 0) throw new Error(resolved.stderr);
  const services = JSON.parse(resolved.stdout).services as Record<string, { ports?: Omit<PublishedPort, 'service'>[] }>;
  return Object.entries(services).flatMap(([service, { ports = [] }]) =>
    ports.map(({ host_ip, published, target }) => ({ service, host_ip, published, target })),
  );
}
