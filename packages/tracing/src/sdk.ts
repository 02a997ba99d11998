import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { createInstrumentations } from './instrumentations';
import { setActiveSdk } from './lifecycle';
import { createSpanProcessors } from './span-processors';

/** For tests that capture spans in memory and still want DogBook's baggage attributes. */
export { createBaggageProcessor } from './span-processors';

/**
 * Starts OpenTelemetry for this process. Everything the standard OTEL_* variables can say
 * (service name, exporter, endpoint, protocol, sampler, propagators, resource, batching) is left to
 * them: each service's OTEL_SERVICE_NAME is set where it runs (dev.env, compose, Kubernetes).
 * Tests pass their own span processors to capture spans in memory.
 */
export function startTracing(overrides: Partial<NodeSDKConfiguration> = {}): NodeSDK {
  // DogBook sends traces only. The SDK would otherwise also start OTLP metrics and logs exporters,
  // and a collector without a pipeline for them answers 404. Set either variable to `otlp` to opt in.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';

  const sdk = new NodeSDK({
    instrumentations: [createInstrumentations()],
    spanProcessors: createSpanProcessors(),
    ...overrides,
  });
  sdk.start();
  setActiveSdk(sdk);
  return sdk;
}
