import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startNginx, type RunningNginx } from '@dogbook/nginx';
import type { Binaries } from './backends';
import { type ComposeFile, environmentOf, loadCompose, service } from './compose';
import { type Backend, type Ports, localEnvironment, nginxUpstreams, planBackend } from './local-config';
import { type RunningProcess, startProcess } from './processes';
import { type ReadyCheck, healthcheckUrl, waitUntilReady } from './ready';
import { SERVICE_NAMES, type ServiceName } from '@dogbook/tracing/conventions';

/** What `.stack/addresses.json` holds: URLs reachable from this machine. */
export interface Addresses {
  /** nginx, where requests enter. */
  gateway: string;
  /** The trace viewer, in Tempo's place: GET /api/traces/<trace id> (packages/trace-viewer). */
  traces: string;
  /** The log receiver, in Loki's place: GET /records (src/log-receiver.ts). */
  logs: string;
  prometheus: string;
  /** The collector's OTLP/HTTP receiver. */
  collector: string;
  /** The collector's own metrics (otelcol_*), in Prometheus' text format. */
  collectorMetrics: string;
}

/** Process ids by compose service name, for the memory figures and for `stack:down`. */
export type Pids = Record<string, number>;

export interface RunningStack {
  addresses: Addresses;
  pids: Pids;
  stop(): Promise<void>;
}

/** Backends can take a while on a busy machine. */
const BACKEND_READY_MS = 90_000;
const SERVICE_READY_MS = 30_000;

const url = (port: number) => `http://127.0.0.1:${port}`;

function packageDir(name: string): string {
  return dirname(require.resolve(`@dogbook/${name}/package.json`));
}

/** Traces the viewer keeps: enough for a run of `pnpm load` and the suite's own requests. */
const VIEWER_MAX_TRACES = 5_000;

/**
 * Starts the compose stack as plain processes, in compose's order: Prometheus, and the OTLP/HTTP
 * receivers that take Tempo's and Loki's addresses (the trace viewer, the log receiver); the
 * collector; inventory and dogs; kennels; nginx. Each step waits for what compose's healthchecks
 * wait for. On any failure, what was started is stopped again.
 */
export async function startStack(options: {
  stackDir: string;
  binaries: Binaries;
  ports: Ports;
  compose?: ComposeFile;
}): Promise<RunningStack> {
  const { stackDir, binaries, ports } = options;
  const compose = options.compose ?? loadCompose();
  const logDir = join(stackDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = (name: string) => join(logDir, `${name}.log`);
  const logTail = (name: string) => () => readFileSync(logPath(name), 'utf8').split('\n').slice(-30).join('\n');

  const processes: RunningProcess[] = [];
  let gateway: RunningNginx | undefined;
  const stop = async () => {
    await gateway?.stop();
    // The services first, so that they flush their last spans and logs to a collector still running.
    for (const group of [SERVICE_NAMES as readonly string[], ['otel-collector'], ['trace-viewer', 'log-receiver', 'prometheus']]) {
      await Promise.all(processes.filter((p) => group.includes(p.name)).map((p) => p.stop()));
    }
  };

  const run = async (name: string, command: string, args: string[], check: ReadyCheck, env: Record<string, string>, cwd?: string) => {
    const started = startProcess(name, command, args, { env, cwd, logPath: logPath(name) });
    processes.push(started);
    const timeoutMs = (SERVICE_NAMES as readonly string[]).includes(name) ? SERVICE_READY_MS : BACKEND_READY_MS;
    await waitUntilReady(name, check, { timeoutMs, running: started.running, logTail: logTail(name) });
  };

  const backend = (name: Backend, binary: string, check: ReadyCheck) => {
    const plan = planBackend(compose, name, ports, stackDir);
    for (const dir of plan.dataDirs) mkdirSync(dir, { recursive: true });
    for (const file of plan.files) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.text);
    }
    // Go programs need no environment of their own; HOME and PATH keep their caches and tools sane.
    return run(name, binary, plan.args, check, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
  };

  // The receivers in Tempo's and Loki's places: Node programs, not traced themselves.
  const receiver = (name: string, script: string, env: Record<string, string>, ready: string) =>
    run(name, process.execPath, [script], { url: ready }, { PATH: process.env.PATH ?? '', ...env });

  const startService = (name: ServiceName) => {
    const env = localEnvironment(environmentOf(service(compose, name)), ports, ports[name]);
    return run(
      name,
      process.execPath,
      ['--require', '@dogbook/tracing/register', 'dist/server.js'],
      { url: healthcheckUrl(service(compose, name), ports[name]) },
      { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      packageDir(name),
    );
  };

  try {
    await Promise.all([
      receiver(
        'trace-viewer',
        join(packageDir('trace-viewer'), 'dist', 'cli.js'),
        { TRACE_VIEWER_PORT: String(ports.traceViewer), TRACE_VIEWER_MAX_TRACES: String(VIEWER_MAX_TRACES) },
        `${url(ports.traceViewer)}/api/traces?learner=ready`,
      ),
      receiver(
        'log-receiver',
        join(__dirname, 'log-receiver.js'),
        { LOG_RECEIVER_PORT: String(ports.logReceiver) },
        `${url(ports.logReceiver)}/ready`,
      ),
      backend('prometheus', binaries.prometheus, { url: healthcheckUrl(service(compose, 'prometheus'), ports.prometheus) }),
    ]);
    // Compose only waits for the collector to start (its image has no shell to run a check); here
    // its health_check extension answers, which also proves the configuration loaded.
    await backend('otel-collector', binaries.collector, { url: url(ports.collectorHealth) });
    await Promise.all([startService('inventory'), startService('dogs')]);
    await startService('kennels');
    gateway = await startNginx({ port: ports.gateway, upstreams: nginxUpstreams(compose, ports) });
    await waitUntilReady(
      'nginx',
      { url: healthcheckUrl(service(compose, 'nginx'), ports.gateway) },
      {
        timeoutMs: SERVICE_READY_MS,
        running: () => true,
        logTail: () => gateway?.errorLog() ?? '',
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    addresses: {
      gateway: gateway.url,
      traces: url(ports.traceViewer),
      logs: url(ports.logReceiver),
      prometheus: url(ports.prometheus),
      collector: url(ports.collectorOtlpHttp),
      collectorMetrics: `${url(ports.collectorMetrics)}/metrics`,
    },
    pids: Object.fromEntries(processes.map((p) => [p.name, p.pid])),
    stop,
  };
}
