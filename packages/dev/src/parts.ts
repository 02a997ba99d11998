import { DEV_GATEWAY_PORT, devServicePorts, devViewerPort, missingTools } from '@dogbook/nginx';
import { SERVICE_NAMES } from '@dogbook/service-kit/services';

/** One process `pnpm dev` starts, and how to tell that it is ready. */
export interface Part {
  /** As people call it: "kennels", "the trace viewer", "the gateway (nginx)". */
  name: string;
  /** The workspace package whose tasks build and run it, to say whose failure a line of turbo reports. */
  packageName: string;
  port: number;
  /** A GET that answers 2xx once the part serves requests. */
  readyPath: string;
}

export interface DevSetup {
  parts: Part[];
  /** Where to send the first request once everything answers. */
  entry: string;
  /** More to say with the ready line. */
  notes: string[];
}

/**
 * Every part of `pnpm dev`, each on the port it takes from its own configuration: the services'
 * dev.env files, the trace viewer's TRACE_VIEWER_PORT (or its default), and the gateway's port,
 * unless this machine lacks nginx (`missing` names what it lacks), in which case there is no
 * gateway to wait for.
 */
export function devSetup(env: NodeJS.ProcessEnv = process.env, missing: string[] = missingTools()): DevSetup {
  const services = devServicePorts();
  const viewerPort = devViewerPort(env);
  const parts: Part[] = [
    { name: 'the trace viewer', packageName: '@dogbook/trace-viewer', port: viewerPort, readyPath: '/api/traces' },
    ...SERVICE_NAMES.map((name) => ({
      name,
      packageName: `@dogbook/${name}`,
      port: services[name],
      readyPath: '/readyz',
    })),
  ];
  if (missing.length === 0) {
    // nginx answers /healthz itself, without asking a service: it says that nginx is up.
    parts.push({ name: 'the gateway (nginx)', packageName: '@dogbook/nginx', port: DEV_GATEWAY_PORT, readyPath: '/healthz' });
  }
  const entryPort = missing.length === 0 ? DEV_GATEWAY_PORT : services.kennels;
  return {
    parts,
    entry: `http://localhost:${entryPort}/api/v1/kennels/2`,
    notes: [
      missing.length === 0
        ? `or click through the DogBook page: http://localhost:${DEV_GATEWAY_PORT}/`
        : 'that is kennels itself: without nginx there is no gateway (and no DogBook page)',
      `traces print here as waterfalls, and show on the trace viewer's page: http://localhost:${viewerPort}/ ` +
        `(as JSON at http://localhost:${viewerPort}/api/traces)`,
    ],
  };
}
