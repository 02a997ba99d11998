import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { answersOk, own, waitUntil } from '@dogbook/processes';
import type { ServiceName } from '@dogbook/service-kit/services';

export type { ServiceName };

export type Env = Record<string, string>;

/**
 * How a service is traced: with DogBook's preload; with the stock setup a reader would otherwise
 * copy, `@opentelemetry/auto-instrumentations-node/register` with its defaults; or not at all.
 * Without a preload nothing is patched: the only true "tracing off" (OTEL_SDK_DISABLED is not).
 */
export type Tracing = 'dogbook' | 'stock' | 'off';

const PRELOADS: Record<Tracing, string[]> = {
  dogbook: ['--require', '@dogbook/tracing/register'],
  // Resolved here, by its full path: the services themselves do not depend on it.
  stock: ['--require', require.resolve('@opentelemetry/auto-instrumentations-node/register')],
  off: [],
};

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the stop signal (or from the start, when nobody stopped it) to the exit. */
  afterMs: number;
}

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly env: Env;
  /** stdout and stderr so far, as they arrived. */
  output(): string;
  /** Whether the process is still running. */
  running(): boolean;
  /** Resolves once the process has exited, however that happened. */
  readonly exited: Promise<Exit>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL if it has not gone after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/** The test runner's own settings must not leak into a service: each test says what it runs with. */
function inheritedEnv(): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('OTEL_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS') continue;
    if (['PORT', 'HOST', 'LOG_LEVEL', 'INVENTORY_URL', 'DOGS_URL', 'DOWNSTREAM_TIMEOUT_MS', 'SIMULATED_LATENCY_MS'].includes(key)) continue;
    env[key] = value;
  }
  return env;
}

export function serviceDir(name: ServiceName): string {
  return dirname(require.resolve(`@dogbook/${name}/package.json`));
}

/**
 * Starts a built service the way `pnpm start` does (`node --require @dogbook/tracing/register
 * dist/server.js` in the service's folder) and resolves once its /healthz answers. With
 * `tracing: 'off'` it starts without a preload, as an uninstrumented baseline, and with
 * `tracing: 'stock'` under the stock auto-instrumentations (see Tracing); with `dir`, from
 * another build of the service (a changed copy) rather than the one in the workspace. With
 * `logs: 'discard'` its log lines (stdout) go to /dev/null, as a benchmark wants: collecting them
 * here would cost this process CPU on the cores the services share.
 */
export async function startService(
  name: ServiceName,
  port: number,
  env: Env,
  { tracing = 'dogbook', dir = serviceDir(name), logs = 'keep' }: { tracing?: Tracing; dir?: string; logs?: 'keep' | 'discard' } = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...PRELOADS[tracing], 'dist/server.js'], {
    cwd: dir,
    // Named as compose, Kubernetes and dev.env name it.
    env: { ...inheritedEnv(), OTEL_SERVICE_NAME: name, ...env, PORT: String(port) },
    stdio: ['ignore', logs === 'keep' ? 'pipe' : 'ignore', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  // Should the test run end without stopping it, the service must not outlive it.
  const owned = own(child);
  let since = Date.now();
  const exited = owned.exited.then(({ code, signal }): Exit => ({ code, signal, afterMs: Date.now() - since }));

  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name,
    pid: child.pid!,
    port,
    url,
    env,
    output: () => output,
    running: owned.running,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (owned.running()) since = Date.now();
      await owned.stop(signal, graceMs);
      return exited;
    },
  };

  try {
    // Generous: a busy machine may take many seconds to load a service, the stock setup most of all.
    await waitUntil(`${name} to answer ${url}/healthz`, () => answersOk(`${url}/healthz`, 1_000), {
      timeoutMs: 30_000,
      intervalMs: 50,
      running: owned.running,
      details: () => output,
    });
  } catch (error) {
    await service.stop('SIGKILL');
    throw error;
  }
  return service;
}
