import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Inside a request, the OpenTelemetry pino instrumentation adds `trace_id`
 * and `span_id` to every line, so a log line leads to its trace.
 */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream = pino.destination(1),
): Logger {
  return pino({ name: service, level }, destination);
}
