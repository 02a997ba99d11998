import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { createInstrumentations } from './instrumentations';
import { setActiveSdk } from './lifecycle';
import { createSpanProcessors } from './span-processors';

/** For tests that capture spans in memory and still want DogBook's baggage attributes. */
export { createBaggageProcessor } from './span-processors';

/**
 * `@dogbook/kennels` -> `kennels`: the name of the package whose script is being run, so each
 * service is named after itself without a line of configuration.
 */
function nameOfRunningPackage(): string | undefined {
  let dir = dirname(process.argv[1] ?? process.cwd());
  for (;;) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      return name?.replace(/^@[^/]+\//, '');
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}

function serviceNameIsConfigured(): boolean {
  return Boolean(process.env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name=/.test(process.env.OTEL_RESOURCE_ATTRIBUTES ?? '');
}

/**
 * Starts OpenTelemetry for this process. Everything the standard OTEL_* variables can say
 * (exporter, endpoint, protocol, sampler, propagators, resource, batching) is left to them.
 * Tests pass their own span processors to capture spans in memory.
 */
export function startTracing(overrides: Partial<NodeSDKConfiguration> = {}): NodeSDK {
  // DogBook sends traces only. The SDK would otherwise also start OTLP metrics and logs exporters,
  // and a collector without a pipeline for them answers 404. Set either variable to `otlp` to opt in.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';

  const serviceName = serviceNameIsConfigured() ? undefined : nameOfRunningPackage();
  const sdk = new NodeSDK({
    ...(serviceName ? { serviceName } : {}),
    instrumentations: [createInstrumentations()],
    spanProcessors: createSpanProcessors(),
    ...overrides,
  });
  sdk.start();
  setActiveSdk(sdk);
  return sdk;
}
