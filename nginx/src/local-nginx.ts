import { spawn, spawnSync } from 'node:child_process';
import { acceptsConnections, own, waitUntil, type ChildExit } from '@dogbook/processes';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { ServiceName } from '@dogbook/service-kit/services';

/** The one gateway configuration, shared with docker compose (which mounts this folder). */
export const TEMPLATE_PATH = join(__dirname, '..', 'templates', 'dogbook.conf.template');

/** The only names envsubst may replace: nginx's own `$variables` in the template must survive. */
const TEMPLATE_VARIABLES = '${NGINX_PORT} ${KENNELS_UPSTREAM} ${INVENTORY_UPSTREAM} ${DOGS_UPSTREAM} ${TRACES_UPSTREAM} ${WEB_ROOT}';

/** The DogBook page as `pnpm build` leaves it (packages/web/dist), served at `/`. */
export const WEB_ROOT = join(dirname(require.resolve('@dogbook/web/package.json')), 'dist');

/** Where each service listens, as `host:port`, and where the page's spans go (POST /v1/traces):
 * the trace viewer, or a collector's OTLP/HTTP port. */
export type Upstreams = Record<ServiceName, string> & { traces: string };

export interface NginxOptions {
  port: number;
  /** The address to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  upstreams: Upstreams;
  /** Also copy nginx's error log to this process's stderr. */
  echoErrors?: boolean;
}

export interface RunningNginx {
  url: string;
  /** The access log file: one JSON object per request. */
  accessLogPath: string;
  /** Everything nginx wrote to its access log so far. */
  accessLog(): string;
  /** Everything nginx wrote to its error log so far. */
  errorLog(): string;
  /** Resolves when nginx has exited, however that happened: stop(), a crash, a signal. */
  exited: Promise<ChildExit>;
  stop(): Promise<void>;
}

/** Debian and most distributions install nginx in /usr/sbin, which is not on a normal user's PATH. */
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin'];

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** The nginx binary, or undefined when it is not installed. */
export function findNginx(): string | undefined {
  return findExecutable('nginx', SBIN_DIRS);
}

/** envsubst (GNU gettext), the tool the official nginx image renders templates with. */
export function findEnvsubst(): string | undefined {
  return findExecutable('envsubst');
}

/** What running the gateway locally needs and this machine lacks, with how to install it. */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (!findNginx()) missing.push('nginx (Debian/Ubuntu: sudo apt-get install nginx; macOS: brew install nginx)');
  if (!findEnvsubst()) missing.push('envsubst (Debian/Ubuntu: sudo apt-get install gettext-base; macOS: brew install gettext)');
  return missing;
}

/** The gateway's server block, rendered the way the official nginx image renders it at start. */
export function renderTemplate({ port, host = '127.0.0.1', upstreams }: Omit<NginxOptions, 'echoErrors'>): string {
  const envsubst = findEnvsubst();
  if (!envsubst) throw new Error(`envsubst not found: install ${missingTools().at(-1)}`);
  const result = spawnSync(envsubst, [TEMPLATE_VARIABLES], {
    input: readFileSync(TEMPLATE_PATH, 'utf8'),
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      NGINX_PORT: `${host}:${port}`,
      KENNELS_UPSTREAM: upstreams.kennels,
      INVENTORY_UPSTREAM: upstreams.inventory,
      DOGS_UPSTREAM: upstreams.dogs,
      TRACES_UPSTREAM: upstreams.traces,
      WEB_ROOT,
    },
  });
  if (result.status !== 0) {
    throw new Error(`envsubst failed: ${result.stderr || result.error?.message}`);
  }
  return result.stdout;
}

/**
 * A minimal nginx.conf around the rendered server block, with every path inside `dir`, so nginx
 * runs as any user without touching /etc/nginx or /var/log.
 */
function mainConfig(dir: string): string {
  const at = (name: string) => JSON.stringify(join(dir, name));
  return `# Written by @dogbook/nginx to run the gateway template outside a container.
daemon off;
# A single process (no master and workers) is all a laptop or a test needs, and a signal to its
# pid stops everything.
master_process off;
pid ${at('nginx.pid')};
error_log stderr warn;
# A room of thirty learners, each with requests in flight (the template's limit_conn), and every
# proxied request holds two connections: the caller's and the service's.
worker_rlimit_nofile 8192;
events {
    worker_connections 4096;
}
http {
    client_body_temp_path ${at('temp/client_body')};
    proxy_temp_path ${at('temp/proxy')};
    fastcgi_temp_path ${at('temp/fastcgi')};
    uwsgi_temp_path ${at('temp/uwsgi')};
    scgi_temp_path ${at('temp/scgi')};
    include ${at('conf.d/dogbook.conf')};
}
`;
}

function nginxArgs(dir: string): string[] {
  // -e: the error log path compiled into nginx (under /var/log) may not be writable; stderr always is.
  return ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'];
}

/**
 * Renders the template, checks the result with `nginx -t` (so a config error surfaces with nginx's
 * own message), and starts nginx in the foreground, its access log going to `accessLogPath`.
 */
export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  const nginx = findNginx();
  if (!nginx) throw new Error(`nginx not found on PATH or in /usr/sbin: install ${missingTools()[0]}`);
  const host = options.host ?? '127.0.0.1';

  const dir = mkdtempSync(join(tmpdir(), 'dogbook-nginx-'));
  mkdirSync(join(dir, 'conf.d'));
  mkdirSync(join(dir, 'temp'));
  writeFileSync(join(dir, 'conf.d', 'dogbook.conf'), renderTemplate({ ...options, host }));
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));

  // The template logs to /dev/stdout, as containers want. Node's stdio pipes are sockets, which
  // /dev/stdout cannot be reopened on, so nginx's stdout here is a file: the access log.
  const accessLogPath = join(dir, 'access.log');
  const accessLogFd = openSync(accessLogPath, 'a');
  const check = spawnSync(nginx, ['-t', '-q', ...nginxArgs(dir)], {
    encoding: 'utf8',
    stdio: ['ignore', accessLogFd, 'pipe'],
  });
  if (check.status !== 0) {
    closeSync(accessLogFd);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx rejected the gateway configuration:\n${check.stderr || check.error?.message}`);
  }

  const child = spawn(nginx, nginxArgs(dir), { stdio: ['ignore', accessLogFd, 'pipe'] });
  closeSync(accessLogFd);
  let errorLog = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    errorLog += chunk;
    if (options.echoErrors) process.stderr.write(chunk);
  });
  const accessLog = () => readFileSync(accessLogPath, 'utf8');
  // nginx runs in the foreground of no terminal: if this process ends without stop(), it goes too.
  const owned = own(child);
  void owned.exited.then(({ error }) => {
    if (error) errorLog += String(error);
  });

  const stop = async () => {
    // SIGTERM is nginx's fast shutdown; SIGKILL only if it does not go in time.
    await owned.stop('SIGTERM', 3_000);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const listenHost = host === '0.0.0.0' ? '127.0.0.1' : host;
    await waitUntil(`nginx to listen on ${listenHost}:${options.port}`, () => acceptsConnections(listenHost, options.port), {
      intervalMs: 25,
      running: owned.running,
      details: () => errorLog,
    });
    if (!owned.running()) throw new Error(`nginx exited at start:\n${errorLog}`);
  } catch (error) {
    await stop();
    throw error;
  }

  const urlHost = host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${urlHost}:${options.port}`,
    accessLogPath,
    accessLog,
    errorLog: () => errorLog,
    exited: owned.exited,
    stop,
  };
}
