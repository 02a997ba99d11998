import { keyPaths, readJson, readYaml } from './files';

/** The parts of each configuration file the checks read; everything else stays `unknown`. */

export interface TempoConfig {
  server?: { http_listen_port?: number };
  distributor?: { receivers?: { otlp?: { protocols?: Record<string, { endpoint?: string } | null> } } };
  metrics_generator?: { storage?: { path?: string; remote_write?: Array<{ url?: string; send_exemplars?: boolean }> } };
  storage?: { trace?: { wal?: { path?: string }; local?: { path?: string } } };
  overrides?: Record<string, unknown> & {
    defaults?: { metrics_generator?: { processors?: string[]; trace_id_label_name?: string } };
  };
  [key: string]: unknown;
}

export interface CollectorConfig {
  extensions?: Record<string, { endpoint?: string } | null>;
  receivers?: Record<string, { protocols?: Record<string, { endpoint?: string } | null> } | null>;
  processors?: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  exporters?: Record<string, { endpoint?: string } | null>;
  service?: {
    extensions?: string[];
    pipelines?: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>;
  };
}

export interface LokiConfig {
  auth_enabled?: boolean;
  server?: { http_listen_port?: number };
  common?: { path_prefix?: string };
  schema_config?: { configs?: Array<{ store?: string; schema?: string }> };
  limits_config?: { allow_structured_metadata?: boolean };
}

export interface PrometheusConfig {
  scrape_configs?: Array<{ job_name: string; static_configs?: Array<{ targets?: string[] }> }>;
}

export interface Datasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: Record<string, unknown>;
}

export interface DashboardTarget {
  refId: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  query?: string;
  queryType?: string;
  exemplar?: boolean;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating?: { list?: Array<{ name: string; datasource?: { uid?: string }; query?: { query?: string } }> };
}

export const loadTempo = () => readYaml<TempoConfig>('tempo.yaml');
export const loadCollector = () => readYaml<CollectorConfig>('otel-config.yaml');
/** The tail-sampling file, merged over otel-config.yaml by a second --config. */
export const loadTailSampling = () => readYaml<CollectorConfig>('otel-tail-sampling.yaml');
export const loadLoki = () => readYaml<LokiConfig>('loki.yaml');
export const loadPrometheus = () => readYaml<PrometheusConfig>('prometheus.yaml');
export const loadDatasources = () =>
  readYaml<{ datasources: Datasource[] }>('grafana/provisioning/datasources/datasources.yaml').datasources;
export const loadDashboardProviders = () =>
  readYaml<{ providers: Array<{ options?: { path?: string } }> }>('grafana/provisioning/dashboards/dashboards.yaml').providers;
export const loadDashboard = () => readJson<Dashboard>('grafana/dashboards/dogbook.json');

/**
 * Keys that Tempo 3.0 removed (its upgrade guide and `tempo-cli migrate config`). Tempo parses its
 * configuration strictly, so any of these stops it at start; they are what 2.x tutorials still show.
 */
export const REMOVED_IN_TEMPO_3 = [
  'ingester',
  'ingester_client',
  'compactor',
  'metrics_generator_client',
  'partition_ring_live_store',
  'metrics_generator.traces_storage',
  'metrics_generator.traces_query_storage',
  'metrics_generator.local_blocks',
  'metrics_generator.processor.local_blocks',
  'querier.query_live_store',
  'query_frontend.search.query_ingesters_until',
  'ingest.enabled',
  'block_builder.block',
  'live_store.block_config',
  'distributor.receivers.opencensus',
  // Flat ("legacy") overrides: Tempo 3 refuses them unless enable_legacy_overrides is set.
  'overrides.metrics_generator_processors',
  'overrides.ingestion_rate_limit_bytes',
  'overrides.ingestion_burst_size_bytes',
  'overrides.max_bytes_per_trace',
  'overrides.max_traces_per_user',
  // Removed earlier, still in old tutorials.
  'search_enabled',
  'metrics_generator_enabled',
  'use_otel_tracer',
];

export function removedTempoKeys(tempo: TempoConfig): string[] {
  const present = new Set(keyPaths(tempo));
  const removed = REMOVED_IN_TEMPO_3.filter((key) => present.has(key)).map((key) => `tempo.yaml sets ${key}, which Tempo 3 removed`);
  const processors = tempo.overrides?.defaults?.metrics_generator?.processors ?? [];
  const localBlocks = processors.includes('local-blocks') ? ['tempo.yaml enables the local-blocks processor, which Tempo 3 removed'] : [];
  return [...removed, ...localBlocks];
}

/**
 * The span metrics the collector's spanmetrics connector writes (otel-config.yaml: default namespace
 * traces.span.metrics, durations in seconds), as Prometheus' OTLP receiver names them: counters with
 * _total, the unit as a suffix, histograms as _bucket, _sum and _count.
 */
export const SPAN_METRICS = [
  'traces_span_metrics_calls_total',
  ...['bucket', 'sum', 'count'].map((s) => `traces_span_metrics_duration_seconds_${s}`),
];

/** What Tempo's metrics-generator still writes (tempo.yaml: the service-graphs processor only). */
export const SERVICE_GRAPH_METRICS = [
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  ...['server', 'client'].flatMap((side) => ['bucket', 'sum', 'count'].map((s) => `traces_service_graph_request_${side}_seconds_${s}`)),
];

/**
 * The labels span metrics carry: the connector's dimensions (service.name, span.name, span.kind,
 * status.code, with dots made underscores), `le` on histograms, and what the OTLP receiver adds.
 */
export const SPAN_METRIC_LABELS = new Set([
  'service_name',
  'span_name',
  'span_kind',
  'status_code',
  'le',
  'job',
  'instance',
  'otel_scope_name',
  'otel_scope_version',
]);
export const SPAN_KINDS = new Set([
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
]);
export const STATUS_CODES = new Set(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']);
