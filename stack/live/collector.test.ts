import { describe, expect, test } from 'vitest';
import { collectorMetrics, eventually, metricSum, requestKennel, stackAddresses } from './support';

const addresses = stackAddresses();

/** The collector's own counters (its service telemetry, in Prometheus' text format). */
async function counters() {
  const text = await collectorMetrics(addresses);
  const otlpHttp = { receiver: 'otlp', transport: 'http' };
  const sent = (name: string, exporter: string) => metricSum(text, name, { exporter });
  return {
    acceptedSpans: metricSum(text, 'otelcol_receiver_accepted_spans', otlpHttp),
    // Refused: the pipeline said no (the memory limiter); failed: the request itself was bad.
    refusedSpans: metricSum(text, 'otelcol_receiver_refused_spans', otlpHttp) + metricSum(text, 'otelcol_receiver_failed_spans', otlpHttp),
    acceptedLogs: metricSum(text, 'otelcol_receiver_accepted_log_records', otlpHttp),
    refusedLogs:
      metricSum(text, 'otelcol_receiver_refused_log_records', otlpHttp) + metricSum(text, 'otelcol_receiver_failed_log_records', otlpHttp),
    sentSpans: sent('otelcol_exporter_sent_spans', 'otlp_http/tempo'),
    sentLogs: sent('otelcol_exporter_sent_log_records', 'otlp_http/loki'),
    sentMetricPoints: sent('otelcol_exporter_sent_metric_points', 'otlp_http/prometheus'),
    // Only written once a send has failed: absent means none did.
    failed:
      sent('otelcol_exporter_send_failed_spans', 'otlp_http/tempo') +
      sent('otelcol_exporter_send_failed_log_records', 'otlp_http/loki') +
      sent('otelcol_exporter_send_failed_metric_points', 'otlp_http/prometheus'),
  };
}

const REQUESTS = 10;

describe('the collector, running otel-config.yaml', () => {
  test('when the services handle requests, then the collector accepts their spans and log records over OTLP/HTTP and refuses none', async () => {
    const before = await counters();
    for (let i = 0; i < REQUESTS; i++) expect((await requestKennel(addresses.gateway)).status).toBe(200);
    // A kennel-2 request makes spans in all three services and a log line in each: at least 3 of each.
    const after = await eventually(async () => {
      const now = await counters();
      expect(now.acceptedSpans - before.acceptedSpans).toBeGreaterThanOrEqual(3 * REQUESTS);
      expect(now.acceptedLogs - before.acceptedLogs).toBeGreaterThanOrEqual(3 * REQUESTS);
      return now;
    });
    expect(after.refusedSpans - before.refusedSpans).toBe(0);
    expect(after.refusedLogs - before.refusedLogs).toBe(0);
  });

  test("when spans and logs arrive, then the collector delivers spans to Tempo's address, logs to Loki's and span metrics to Prometheus, without a failure", async () => {
    const before = await counters();
    for (let i = 0; i < REQUESTS; i++) await requestKennel(addresses.gateway);
    // Span metrics leave every metrics_flush_interval (15 s): the deadline leaves room for two.
    const after = await eventually(async () => {
      const now = await counters();
      expect(now.sentSpans - before.sentSpans).toBeGreaterThanOrEqual(3 * REQUESTS);
      expect(now.sentLogs - before.sentLogs).toBeGreaterThanOrEqual(3 * REQUESTS);
      expect(now.sentMetricPoints - before.sentMetricPoints).toBeGreaterThan(0);
      return now;
    }, 45_000);
    expect(after.failed - before.failed).toBe(0);
  });
});
