import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countProtobufTraceSpans } from '@dogbook/trace-viewer';

export interface SpanCounter {
  /** The OTLP/HTTP endpoint to point OTEL_EXPORTER_OTLP_ENDPOINT at. */
  readonly url: string;
  /** Spans received so far. */
  spans(): number;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP receiver that only counts the spans it is sent, with the trace viewer's counting
 * decoder, which reads no span's contents. A benchmark needs a receiver on the same cores as the
 * services it measures: one that assembles and prints traces would take their CPU and blur what
 * tracing itself costs.
 */
export async function startSpanCounter(): Promise<SpanCounter> {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') spans += countProtobufTraceSpans(Buffer.concat(chunks));
      // An empty ExportTraceServiceResponse: zero bytes of protobuf.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
