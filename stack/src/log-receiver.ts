/**
 * The stack's stand-in for Loki, whose Go module is AGPL and never built: an OTLP/HTTP logs
 * receiver at the address otel-config.yaml sends logs to (`http://loki:3100/otlp`, rewritten), that
 * keeps the newest records in memory for the live suite to read.
 *
 *   POST <any path>/v1/logs   OTLP/protobuf export request (the collector's default), gzip or not -> 200
 *   GET  /records             the records kept, oldest first, as JSON
 *   GET  /ready               200 once listening
 *
 * Environment: LOG_RECEIVER_PORT (required), LOG_RECEIVER_MAX_RECORDS (default 20000).
 */
import { type IncomingMessage, createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { OTLP_COMMON_MESSAGES } from '@dogbook/trace-viewer';
import { parse } from 'protobufjs';

/** The fields of opentelemetry-proto's logs messages the suite reads, with the spec's field numbers. */
const OTLP_LOGS_SCHEMA = `
syntax = "proto3";
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeLogs { repeated LogRecord log_records = 2; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  bytes trace_id = 9;
  bytes span_id = 10;
}
${OTLP_COMMON_MESSAGES}`;

const exportLogsServiceRequest = parse(OTLP_LOGS_SCHEMA).root.lookupType('ExportLogsServiceRequest');

type AnyValue = { stringValue?: string; kvlistValue?: { values?: KeyValue[] } } & Record<string, unknown>;
type KeyValue = { key: string; value?: AnyValue };
type Decoded = {
  resourceLogs?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeLogs?: Array<{ logRecords?: Array<{ body?: AnyValue; attributes?: KeyValue[]; traceId?: string; spanId?: string }> }>;
  }>;
};

/** One log record as the suite reads it: ids in hex ('' when the record has none). */
export interface ReceivedLogRecord {
  serviceName: string;
  traceId: string;
  spanId: string;
  body: string;
  /** The record's attributes, as decoded (pino's fields: `req`, `res`, `responseTime`, ...). */
  attributes: KeyValue[];
}

const hex = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');

/** The records of an OTLP/protobuf logs export request. */
export function decodeLogsExport(body: Uint8Array): ReceivedLogRecord[] {
  const request = exportLogsServiceRequest.toObject(exportLogsServiceRequest.decode(body), {
    longs: String,
    bytes: String,
    json: true,
  }) as Decoded;
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const serviceName = resourceLogs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '';
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
      (scopeLogs.logRecords ?? []).map((record) => ({
        serviceName,
        traceId: hex(record.traceId),
        spanId: hex(record.spanId),
        body: record.body?.stringValue ?? '',
        attributes: record.attributes ?? [],
      })),
    );
  });
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** What a gzip body may inflate to: enough for any batch, not for a zip bomb. */
const MAX_INFLATED_BYTES = 10 * MAX_BODY_BYTES;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function main() {
  const port = Number(process.env.LOG_RECEIVER_PORT);
  const maxRecords = Number(process.env.LOG_RECEIVER_MAX_RECORDS ?? 20_000);
  if (!Number.isInteger(port) || port <= 0) throw new Error('LOG_RECEIVER_PORT must be a port number');
  const records: ReceivedLogRecord[] = [];

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'POST' && path.endsWith('/v1/logs')) {
      if (req.headers['content-type'] !== 'application/x-protobuf') return void res.writeHead(415).end();
      const body = await readBody(req);
      if (!body) return void res.writeHead(413).end();
      try {
        // The collector's OTLP/HTTP exporter compresses with gzip unless told otherwise.
        records.push(
          ...decodeLogsExport(
            req.headers['content-encoding'] === 'gzip' ? gunzipSync(body, { maxOutputLength: MAX_INFLATED_BYTES }) : body,
          ),
        );
      } catch {
        return void res.writeHead(400).end();
      }
      // The oldest go first, so a long run stays within bounds.
      records.splice(0, Math.max(0, records.length - maxRecords));
      // An empty ExportLogsServiceResponse: every record accepted.
      return void res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    }
    if (req.method === 'GET' && path === '/records') {
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(records));
    }
    if (req.method === 'GET' && path === '/ready') return void res.writeHead(200).end('ready');
    res.writeHead(404).end();
  });
  server.listen(port, '127.0.0.1', () => console.log(`log receiver on http://127.0.0.1:${port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
