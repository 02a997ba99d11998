import type { Instrumentation } from '@opentelemetry/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstrumentations } from '../src/instrumentations';

/** Builds the instrumentations with OTEL_LOGS_EXPORTER set as given, and unpatches them again. */
function pinoConfigWith(logsExporter: string | undefined): Record<string, unknown> {
  const saved = process.env.OTEL_LOGS_EXPORTER;
  if (logsExporter === undefined) delete process.env.OTEL_LOGS_EXPORTER;
  else process.env.OTEL_LOGS_EXPORTER = logsExporter;
  try {
    built = createInstrumentations();
    const pino = built.find((instrumentation) => instrumentation.instrumentationName === '@opentelemetry/instrumentation-pino');
    return pino!.getConfig() as Record<string, unknown>;
  } finally {
    if (saved === undefined) delete process.env.OTEL_LOGS_EXPORTER;
    else process.env.OTEL_LOGS_EXPORTER = saved;
  }
}

let built: Instrumentation[] = [];
afterEach(() => {
  for (const instrumentation of built) instrumentation.disable();
  built = [];
});

describe('the pino instrumentation', () => {
  it('when log records are not exported (OTEL_LOGS_EXPORTER unset or none), then log lines are not re-parsed to send them', () => {
    expect(pinoConfigWith(undefined)).toMatchObject({ disableLogSending: true });
    expect(pinoConfigWith('none')).toMatchObject({ disableLogSending: true });
  });

  it('when OTEL_LOGS_EXPORTER=otlp, then log lines are also sent as OTLP log records, as docker compose does', () => {
    expect(pinoConfigWith('otlp')).toMatchObject({ disableLogSending: false });
  });

  it('when log records are or are not sent, then log lines still carry the trace id (log correlation stays on)', () => {
    expect(pinoConfigWith('none').disableLogCorrelation).not.toBe(true);
    expect(pinoConfigWith('otlp').disableLogCorrelation).not.toBe(true);
  });
});
