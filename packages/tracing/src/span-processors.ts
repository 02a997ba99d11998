import { diag, propagation, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { checkedDogbookMembers } from './baggage';

const OTLP_EXPORTERS: Record<string, () => SpanExporter> = {
  // Each exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT... itself.
  'http/protobuf': () => new OtlpProtobufExporter(),
  'http/json': () => new OtlpJsonExporter(),
  grpc: () => new OtlpGrpcExporter(),
};

function envNumber(name: string): number | undefined {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The OTEL_BSP_* settings, which SDK 3's BatchSpanProcessor does not read by itself. Its defaults
 * (queue 2048 spans, batches of 512) are kept: at saturation through nginx they lost no span in
 * 30 s (490,981 of 490,981), and batches of 2048 saved nothing measurable. A full queue drops
 * spans silently unless OTEL_LOG_LEVEL is at least `warn`; raise OTEL_BSP_MAX_QUEUE_SIZE then.
 */
function batchProcessor(exporter: SpanExporter): SpanProcessor {
  return new BatchSpanProcessor({
    exporter,
    maxQueueSize: envNumber('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: envNumber('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: envNumber('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: envNumber('OTEL_BSP_EXPORT_TIMEOUT'),
  });
}

/**
 * The exporters OTEL_TRACES_EXPORTER names (otlp, the default; console; none), each behind the
 * processor the SDK would give it. NodeSDK builds these itself only when it is given no span
 * processors at all, and DogBook adds one, so they are built here, from the same variables.
 */
function exportProcessorsFromEnv(): SpanProcessor[] {
  const names = (process.env.OTEL_TRACES_EXPORTER || 'otlp').split(',').map((name) => name.trim());
  if (names.includes('none')) return [];
  const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  return names.flatMap((name): SpanProcessor[] => {
    if (name === 'console') return [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
    const otlp = name === 'otlp' ? OTLP_EXPORTERS[protocol] : undefined;
    if (otlp) return [batchProcessor(otlp())];
    diag.warn(`OTEL_TRACES_EXPORTER=${name} with protocol ${protocol} is not supported; no spans are sent there`);
    return [];
  });
}

/**
 * What happens to every span: first the `dogbook.*` baggage members become its attributes (so
 * `dogbook.learner=alice` tags every span of alice's requests, in every service), then it is
 * exported. With no exporter (OTEL_TRACES_EXPORTER=none) there is nothing, and tracing stays off.
 */
export function createSpanProcessors(): SpanProcessor[] {
  const exporting = exportProcessorsFromEnv();
  return exporting.length === 0 ? [] : [createBaggageProcessor(), ...exporting];
}

/**
 * Copies the `dogbook.*` members of the parent context's baggage onto each span as it starts, but
 * only when they pass DogBook's baggage grammar, all of them, as the service checks them: the server
 * span starts before the service checks the request, and a request the service refuses (400) must
 * not carry a caller's bytes on its spans, learner name included.
 */
class CheckedBaggageSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const baggage = propagation.getBaggage(parentContext);
    if (!baggage) return;
    for (const [key, value] of checkedDogbookMembers(baggage)) span.setAttribute(key, value);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function createBaggageProcessor(): SpanProcessor {
  return new CheckedBaggageSpanProcessor();
}
