import { startNginx, type RunningNginx } from '@dogbook/nginx';
import { startTraceViewer, type TraceViewer } from '@dogbook/trace-viewer';
import { freePort } from '@dogbook/processes';
import { SERVICE_NAMES } from '@dogbook/service-kit/services';
import { startService, type Env, type Exit, type ServiceName, type ServiceProcess, type Tracing } from './service-process';

export interface StackOptions {
  /** Put real nginx, with the project's template, in front of the services. */
  gateway: boolean;
  /** Where the services send spans: a trace viewer (the default), or a port where nothing listens. */
  receiver?: 'viewer' | 'down';
  /** Send the spans to this OTLP/HTTP endpoint instead (a benchmark's span counter); no viewer starts. */
  receiverUrl?: string;
  /** Keep the services' log lines (the default, for the tests to read) or discard them (benchmarks). */
  logs?: 'keep' | 'discard';
  /** Settings per service, on top of the stack's own. */
  env?: Partial<Record<ServiceName, Env>>;
  /** Trace the services with DogBook's preload (the default), the stock setup, or not at all. */
  tracing?: Tracing;
}

export interface Stack {
  /** The OTLP receiver, unless the stack runs with the receiver down. */
  readonly viewer: TraceViewer | undefined;
  readonly gateway: RunningNginx | undefined;
  /** Where requests enter: nginx, or kennels itself when the stack runs without a gateway. */
  readonly entry: string;
  service(name: ServiceName): ServiceProcess;
  /** Stops one service (SIGTERM unless told otherwise) and waits for it to exit. */
  stop(name: ServiceName, signal?: NodeJS.Signals): Promise<Exit>;
  /**
   * Starts one service again, on the same port, with its usual settings plus `env`; from `dir` when
   * given (another build of that service), else from the workspace.
   */
  restart(name: ServiceName, env?: Env, options?: { dir?: string }): Promise<ServiceProcess>;
  close(): Promise<void>;
}

/**
 * The whole of DogBook on 127.0.0.1: the three built services as separate processes exporting
 * OTLP/HTTP protobuf (the production protocol) to a trace viewer, and nginx in front of them.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const viewer = options.receiver === 'down' || options.receiverUrl ? undefined : await startTraceViewer({ port: 0, print: false });
  const receiverUrl = options.receiverUrl ?? viewer?.url ?? `http://127.0.0.1:${await freePort()}`;
  const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()] as const))) as Record<
    ServiceName,
    number
  >;
  const local = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;

  const common: Env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    // Spans reach the receiver a tenth of a second after they end, not five seconds.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const baseEnv: Record<ServiceName, Env> = {
    kennels: { ...common, INVENTORY_URL: local('inventory'), DOGS_URL: local('dogs'), ...options.env?.kennels },
    inventory: { ...common, SIMULATED_LATENCY_MS: '20', ...options.env?.inventory },
    dogs: { ...common, SIMULATED_LATENCY_MS: '20', ...options.env?.dogs },
  };

  const tracing = options.tracing ?? 'dogbook';
  const services = new Map<ServiceName, ServiceProcess>();
  let gateway: RunningNginx | undefined;
  const close = async () => {
    // Nothing is asserted on a process after the test: SIGKILL is the quickest clean-up.
    await Promise.all([...services.values()].map((service) => service.stop('SIGKILL')));
    await gateway?.stop();
    await viewer?.close();
  };

  try {
    const started = await Promise.all(
      SERVICE_NAMES.map((name) => startService(name, ports[name], baseEnv[name], { tracing, logs: options.logs ?? 'keep' })),
    );
    for (const service of started) services.set(service.name, service);
    if (options.gateway) {
      gateway = await startNginx({
        port: await freePort(),
        upstreams: {
          ...(Object.fromEntries(SERVICE_NAMES.map((name) => [name, `127.0.0.1:${ports[name]}`])) as Record<ServiceName, string>),
          // The page's spans: to the viewer, as under `pnpm dev`.
          traces: new URL(receiverUrl).host,
        },
      });
    }
  } catch (error) {
    await close();
    throw error;
  }

  const service = (name: ServiceName) => services.get(name)!;
  return {
    viewer,
    gateway,
    entry: gateway?.url ?? local('kennels'),
    service,
    stop: (name, signal = 'SIGTERM') => service(name).stop(signal),
    async restart(name, env = {}, { dir } = {}) {
      await service(name).stop();
      const restarted = await startService(
        name,
        ports[name],
        { ...baseEnv[name], ...env },
        { tracing, logs: options.logs ?? 'keep', ...(dir ? { dir } : {}) },
      );
      services.set(name, restarted);
      return restarted;
    },
    close,
  };
}
