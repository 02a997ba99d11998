import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTracing } from '@dogbook/tracing/sdk';

/**
 * The services' own tracing setup, exporting to memory. A module of its own so that a test can
 * import it before any application code, as `--require` does for the real services.
 */
export const exporter = new InMemorySpanExporter();
export const sdk = startTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
