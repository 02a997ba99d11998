import { readYaml } from './files';

/** The parts of docker-compose.yml the Kubernetes checks compare against. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  ports?: Array<string | number>;
  environment?: Record<string, string | number | boolean | null>;
  deploy?: { resources?: { limits?: { memory?: string } } };
  volumes?: string[];
  /** Set only on opt-in services, which `docker compose up` leaves out. */
  profiles?: string[];
}

export const loadCompose = () => readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');

export const envOf = (service: ComposeService): Record<string, string> =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));

/** `nginxinc/nginx-unprivileged:1.30.4-alpine` -> repository and tag. */
export function imageParts(image: string): { repository: string; tag: string | undefined } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image, tag: undefined };
}

/** An exact release: `3.0.3`, `v3.14.0`, `1.30.4-alpine`, `0.0.0`. Not `latest`, not `3`. */
export const isExactVersion = (tag: string | undefined): boolean =>
  tag !== undefined && /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/.test(tag);

/** `./grafana/dashboards:/etc/grafana/dashboards:ro` -> source and target. */
export const mountsOf = (service: ComposeService): Array<{ source: string; target: string }> =>
  (service.volumes ?? []).map((volume) => {
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });

export const commandOf = (service: ComposeService): string[] =>
  Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/).filter(Boolean);
