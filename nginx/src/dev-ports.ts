import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { DEFAULT_PORT } from '@dogbook/trace-viewer';
import { SERVICE_NAMES, type ServiceName } from '@dogbook/service-kit/services';

/** `pnpm dev`'s gateway port: the one docker compose publishes, so every URL works with both. */
export const DEV_GATEWAY_PORT = 8080;

const SERVICES_DIR = join(__dirname, '..', '..', 'services');

/**
 * Where `pnpm dev` runs each service: the PORT in its services/<name>/dev.env, the file the
 * service itself starts with (`node --env-file=dev.env`), so the two cannot disagree.
 */
export function devServicePorts(): Record<ServiceName, number> {
  const portOf = (service: ServiceName): number => {
    const file = join(SERVICES_DIR, service, 'dev.env');
    const port = Number(parseEnv(readFileSync(file, 'utf8')).PORT);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`${file} sets no PORT`);
    return port;
  };
  return Object.fromEntries(SERVICE_NAMES.map((name) => [name, portOf(name)])) as Record<ServiceName, number>;
}

/** Where `pnpm dev` runs the trace viewer, which takes the page's spans: TRACE_VIEWER_PORT, or its default. */
export function devViewerPort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.TRACE_VIEWER_PORT || DEFAULT_PORT);
}
