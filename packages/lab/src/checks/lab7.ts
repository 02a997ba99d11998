import { SERVICE_NAMES } from '@dogbook/tracing';
import type { Grafana } from '../grafana';
import { spansNamed } from '../traces';
import { noTracesHint, type LabCheck } from './check';

interface VectorAnswer {
  data?: { result?: { metric?: Record<string, string> }[] };
}
interface ExemplarAnswer {
  data?: { exemplars?: { labels?: Record<string, string> }[] }[];
}

/** The label values of an instant PromQL query's series, e.g. every `service_name` with span metrics. */
async function labelSets(grafana: Grafana, promql: string): Promise<Record<string, string>[]> {
  const answer = (await grafana.get('prometheus', '/api/v1/query', { query: promql })) as VectorAnswer;
  return (answer.data?.result ?? []).map((series) => series.metric ?? {});
}

/** The trace ids Prometheus keeps as exemplars of the services' latency over the last half hour. */
async function exemplarTraceIds(grafana: Grafana): Promise<Set<string>> {
  const now = Math.floor(Date.now() / 1000);
  const answer = (await grafana.get('prometheus', '/api/v1/query_exemplars', {
    // What the dashboard's latency graph draws its dots from.
    query: 'traces_span_metrics_duration_seconds_bucket{span_kind="SPAN_KIND_SERVER"}',
    start: now - 1800,
    end: now,
  })) as ExemplarAnswer;
  // Prometheus' OTLP receiver keeps the collector's exemplars' trace ids under the label trace_id.
  const ids = (answer.data ?? []).flatMap((series) => (series.exemplars ?? []).map((exemplar) => exemplar.labels?.trace_id));
  return new Set(ids.filter((id): id is string => typeof id === 'string').map((id) => id.padStart(32, '0').toLowerCase()));
}

/**
 * Lab 7 (Docker), metrics from traces: the collector's spanmetrics connector turned the spans of
 * `pnpm load` into span metrics, Tempo's metrics-generator into a service graph, in Prometheus; the
 * latency graphs carry exemplars, the
 * learner slowed inventory down for their own requests and followed an exemplar to a trace.
 */
export const lab7: LabCheck = {
  dockerOnly: true,
  async run(context) {
    const grafana = context.grafana!;
    const services = new Set(
      (await labelSets(grafana, 'count by (service_name) (traces_span_metrics_calls_total)')).map((labels) => labels.service_name),
    );
    const edges = new Set(
      (await labelSets(grafana, 'count by (client, server) (traces_service_graph_request_total)')).map(
        (labels) => `${labels.client} -> ${labels.server}`,
      ),
    );
    const exemplars = await exemplarTraceIds(grafana);
    const traces = await context.source.learnerTraces(context.learner);
    const slowed = traces.filter((trace) =>
      spansNamed(trace, 'inventory.find_dog_ids', 'inventory').some((span) => /=delay:/.test(String(span.attributes['dogbook.fault']))),
    );
    const answer =
      exemplars.size > 0 ? (await context.answer('The trace id of an exemplar you opened: '))?.trim().toLowerCase() : undefined;

    return [
      {
        ok: SERVICE_NAMES.every((service) => services.has(service)),
        text: 'Prometheus holds span metrics of kennels, inventory and dogs',
        hint: 'run step 1 (pnpm load) and give it a minute: the collector writes span metrics every 15 s',
      },
      {
        ok: edges.has('kennels -> inventory') && edges.has('kennels -> dogs'),
        text: 'the service graph knows kennels -> inventory and kennels -> dogs',
        hint: 'keep pnpm load running for a minute; the graph needs CLIENT and SERVER span pairs',
      },
      {
        ok: exemplars.size > 0,
        text: 'the latency histograms carry exemplars (trace ids) from the last half hour',
        hint: 'keep pnpm load running; exemplars come with the latency buckets the collector writes',
      },
      {
        ok: slowed.length > 0,
        text: 'Tempo holds requests of yours with inventory slowed down',
        hint: traces.length === 0 ? noTracesHint(context) : 'run step 3: your requests with "dogbook.fault.inventory=delay:1200"',
      },
      {
        ok: answer !== undefined && exemplars.has(answer.padStart(32, '0')),
        text: 'your answer is the trace id of an exemplar on the latency graph',
        hint:
          answer === undefined || answer === ''
            ? 'hover a dot on the latency graph, choose Open trace, then: pnpm lab check 7 --answer <trace id>'
            : `${answer} is not among the exemplars of the last half hour: copy the id from the trace view you opened from a dot`,
      },
    ];
  },
};
