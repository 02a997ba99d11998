import { GENERATOR_METRICS, SPAN_KINDS, SPAN_METRIC_LABELS, STATUS_CODES } from './stack-configs';

/**
 * What a dashboard query asks of the metrics-generator's series. Regex-level on purpose: it only
 * has to spot a metric or label the generator never writes, such as `traces_spanmetrics_calls`
 * (no `_total`), `span.kind` or `SERVER` for `SPAN_KIND_SERVER`.
 */
export function promqlProblems(expr: string): string[] {
  const metrics = [...expr.matchAll(/\b(traces_[a-z_]+)/g)].map((m) => m[1]!);
  if (metrics.length === 0) return [`"${expr}" reads no metric that Tempo's metrics-generator writes`];
  const unknownMetrics = metrics
    .filter((metric) => !GENERATOR_METRICS.includes(metric))
    .map((metric) => `${metric} is not a metric the metrics-generator writes`);

  const spanMetricSelectors = [...expr.matchAll(/traces_spanmetrics_[a-z_]+\{([^}]*)\}/g)].map((m) => m[1]!);
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
    m[1]!.split(',').map((label) => label.trim()).filter(Boolean),
  );
  const readsSpanMetrics = metrics.some((metric) => metric.startsWith('traces_spanmetrics_'));
  const unknownGroupings = readsSpanMetrics
    ? groupings
        .filter((label) => !SPAN_METRIC_LABELS.has(label))
        .map((label) => `span metrics cannot be grouped by ${label}`)
    : [];

  return [...unknownMetrics, ...unknownLabels, ...badValues, ...unknownGroupings];
}
