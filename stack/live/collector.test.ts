import { describe, expect, test } from 'vitest';
import { collectorMetrics, eventually, metricSum, requestKennel, stackAddresses } from './support';

const addresses = stackAddresses();

/** The collector's own counters (its service telemetry, in Prometheus' text format; no _total suffix in 0.159). */
async function counters() {
  const text = await collectorMetrics(addresses);
  const otlpHttp = { receiver: 'otlp', transport: 'http' };
  return {
    acceptedSpans: metricSum(text, 'otelcol_receiver_accepted_spans', otlpHttp),
    // Refused: the pipeline said no (the memory limiter); failed: the request itself was bad.
    refusedSpans: metricSum(text, 'otelcol_receiver_refused_spans', otlpHttp) + metricSum(text, 'otelcol_receiver_failed_spans', otlpHttp),
    acceptedLogs: metricSum(text, 'otelcol_receiver_accepted_log_records', otlpHttp),
    refusedLogs:
      metricSum(text, 'otelcol_receiver_refused_log_records', otlpHttp) + metricSum(text, 'otelcol_receiver_failed_log_records', otlpHttp),
    sentLogs: metricSum(text, 'otelcol_exporter_sent_log_records', { exporter: 'otlp_http/loki' }),
    // Only written once a send has failed: absent means none did.
    failedLogs: metricSum(text, 'otelcol_exporter_send_failed_log_records', { exporter: 'otlp_http/loki' }),
    sentSpans: metricSum(text, 'otelcol_exporter_sent_spans', { exporter: 'otlp_grpc/tempo' }),
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

  test('when log records arrive, then the collector delivers them to Loki without a failure', async () => {
    const before = await counters();
    for (let i = 0; i < REQUESTS; i++) await requestKennel(addresses.gateway);
    const after = await eventually(async () => {
      const now = await counters();
      expect(now.sentLogs - before.sentLogs).toBeGreaterThanOrEqual(3 * REQUESTS);
      return now;
    });
    expect(after.failedLogs - before.failedLogs).toBe(0);
  });

  test.runIf(addresses.tempo !== null)('when spans arrive and Tempo runs, then the collector delivers them to Tempo', async () => {
    const before = await counters();
    for (let i = 0; i < REQUESTS; i++) await requestKennel(addresses.gateway);
    await eventually(async () => expect((await counters()).sentSpans - before.sentSpans).toBeGreaterThanOrEqual(3 * REQUESTS));
  });
});
