import { SourceError } from './sources/source';

/**
 * The uids of Grafana's provisioned data sources (grafana/provisioning/datasources/datasources.yaml;
 * this package's tests check that the two agree).
 */
export const DATASOURCE_UIDS = { tempo: 'tempo', prometheus: 'prometheus', loki: 'loki' } as const;

export type DataSource = keyof typeof DATASOURCE_UIDS;

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Grafana's data source proxy: `/api/datasources/proxy/uid/<uid>/<path>` passes a request on to
 * Tempo, Prometheus or Loki. Only Grafana's port is published, so this is the one way in from the
 * host, and it is the same way Grafana's own panels ask.
 */
export class Grafana {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Whether Grafana answers at all: its own health endpoint, no data source asked. */
  async answers(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  async get(source: DataSource, path: string, params: Record<string, string | number> = {}): Promise<unknown> {
    const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));
    const url = `${this.baseUrl}/api/datasources/proxy/uid/${DATASOURCE_UIDS[source]}${path}${query.size ? `?${query}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new SourceError(
        `Grafana does not answer at ${this.baseUrl} (${(error as Error).message}): is \`docker compose up --wait\` running?`,
      );
    }
    const text = await response.text();
    if (response.status === 404 && source === 'tempo' && path.startsWith('/api/traces/')) return undefined;
    if (!response.ok) {
      throw new SourceError(`${source} through Grafana answered ${response.status} for ${path}: ${text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SourceError(`${source} through Grafana answered ${path} with something that is not JSON: ${text.slice(0, 120)}`);
    }
  }
}
