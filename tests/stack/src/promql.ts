import { SERVICE_GRAPH_METRICS, SPAN_KINDS, SPAN_METRIC_LABELS, SPAN_METRICS, STATUS_CODES } from './stack-configs';

/**
 * What a dashboard query asks of the span metrics (the collector's) and the service graph
 * (Tempo's). Regex-level on purpose: it only has to spot a metric or label neither writes, such as
 * Tempo's old `traces_spanmetrics_calls_total`, `service` for `service_name`, or `SERVER` for
 * `SPAN_KIND_SERVER`.
 */
export function promqlProblems(expr: string): string[] {
  const metrics = [...expr.matchAll(/\b(traces_[a-z_]+)/g)].map((m) => m[1]!);
  if (metrics.length === 0) return [`"${expr}" reads no span metric or service graph metric`];
  const unknownMetrics = metrics
    .filter((metric) => !SPAN_METRICS.includes(metric) && !SERVICE_GRAPH_METRICS.includes(metric))
    .map((metric) => `${metric} is not a metric the collector or Tempo writes`);

  const spanMetricSelectors = [...expr.matchAll(/traces_span_metrics_[a-z_]+\{([^}]*)\}/g)].map((m) => m[1]!);
  const matchers = spanMetricSelectors.flatMap((body) =>
    [...body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((m) => ({
      label: m[1]!,
      op: m[2]!,
      value: m[3]!,
    })),
  );
  const unknownLabels = matchers
    .filter(({ label }) => !SPAN_METRIC_LABELS.has(label))
    .map(({ label }) => `span metrics have no label ${label}`);
  const badValues = matchers
    .filter(({ op }) => op === '=' || op === '!=')
    .flatMap(({ label, value }) => {
      if (label === 'span_kind' && !SPAN_KINDS.has(value)) return [`span_kind is never "${value}"`];
      if (label === 'status_code' && !STATUS_CODES.has(value)) return [`status_code is never "${value}"`];
      return [];
    });

  const groupings = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
  const readsSpanMetrics = metrics.some((metric) => SPAN_METRICS.includes(metric));
  const unknownGroupings = readsSpanMetrics
    ? groupings.filter((label) => !SPAN_METRIC_LABELS.has(label)).map((label) => `span metrics cannot be grouped by ${label}`)
    : [];

  return [...unknownMetrics, ...unknownLabels, ...badValues, ...unknownGroupings];
}
