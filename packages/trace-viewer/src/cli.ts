#!/usr/bin/env node
/**
 * dogbook-trace-viewer: the local trace viewer as a command. `pnpm dev` starts it next to the
 * services, whose exporters send their spans here. Not started with the tracing preload: a viewer
 * that traced its own requests would print a trace for every batch it receives.
 */
import { z } from 'zod';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_TRACES, DEFAULT_PORT, startTraceViewer } from './viewer';

const configSchema = z.object({
  TRACE_VIEWER_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  TRACE_VIEWER_HOST: z.string().min(1).default('127.0.0.1'),
  TRACE_VIEWER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(DEFAULT_MAX_BYTES),
  TRACE_VIEWER_MAX_TRACES: z.coerce.number().int().min(1).default(DEFAULT_MAX_TRACES),
  TRACE_VIEWER_QUIET_MS: z.coerce.number().int().min(0).default(1500),
});

async function main(): Promise<void> {
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`dogbook-trace-viewer: invalid configuration:\n${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const config = parsed.data;

  const viewer = await startTraceViewer({
    port: config.TRACE_VIEWER_PORT,
    host: config.TRACE_VIEWER_HOST,
    maxBytes: config.TRACE_VIEWER_MAX_BYTES,
    maxTraces: config.TRACE_VIEWER_MAX_TRACES,
    quietMs: config.TRACE_VIEWER_QUIET_MS,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `dogbook-trace-viewer: port ${config.TRACE_VIEWER_PORT} is taken (another viewer, or an OpenTelemetry ` +
          'Collector?). Stop it, or set TRACE_VIEWER_PORT and point OTEL_EXPORTER_OTLP_ENDPOINT at the new port.',
      );
      process.exit(1);
    }
    throw error;
  });

  console.log(
    [
      `DogBook trace viewer on ${viewer.url}`,
      `  shows     the traces on a web page at ${viewer.url}/ (a trace: ${viewer.url}/traces/<trace id>)`,
      `  receives  OTLP/HTTP spans (protobuf or JSON) at POST ${viewer.url}/v1/traces`,
      `  prints    each trace as a waterfall, ${config.TRACE_VIEWER_QUIET_MS} ms after its last span arrived`,
      `  keeps     every trace it printed, as JSON at ${viewer.url}/api/traces, in up to ` +
        `${Math.round(config.TRACE_VIEWER_MAX_BYTES / 1024 / 1024)} MiB; when that is full, whoever sent most loses their oldest first`,
    ].join('\n'),
  );

  const stop = () => {
    viewer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
