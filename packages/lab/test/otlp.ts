/** OTLP/JSON export requests and Tempo answers, built from a few fields per span. */

export interface SpanFields {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string | number | boolean>;
  error?: string;
}

const T0 = 1_795_000_000_000n;
const nanos = (ms: number) => ((T0 + BigInt(ms)) * 1_000_000n).toString();

function attributesOf(attributes: SpanFields['attributes'] = {}) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string' ? { stringValue: value } : typeof value === 'boolean' ? { boolValue: value } : { intValue: String(value) },
  }));
}

/** As the OpenTelemetry JS exporter sends it with OTEL_EXPORTER_OTLP_PROTOCOL=http/json: hex ids. */
export function otlpExport(spans: SpanFields[]) {
  const services = [...new Set(spans.map((span) => span.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: attributesOf({ 'service.name': service }) },
      scopeSpans: [
        {
          spans: spans
            .filter((span) => span.service === service)
            .map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind ?? 1,
              startTimeUnixNano: nanos(span.startMs),
              endTimeUnixNano: nanos(span.endMs),
              attributes: attributesOf(span.attributes),
              status: span.error ? { code: 2, message: span.error } : { code: 0 },
            })),
        },
      ],
    })),
  };
}

const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/**
 * As Tempo answers GET /api/traces/<id>: protobuf's JSON mapping, ids in base64, enums by name,
 * spans under `batches`.
 */
export function tempoTrace(spans: SpanFields[]) {
  const exported = otlpExport(spans);
  return {
    batches: exported.resourceSpans.map((resourceSpans) => ({
      resource: resourceSpans.resource,
      scopeSpans: resourceSpans.scopeSpans.map((scope) => ({
        scope: { name: 'dogbook' },
        spans: scope.spans.map((span) => ({
          ...span,
          traceId: base64(span.traceId),
          spanId: base64(span.spanId),
          ...(span.parentSpanId ? { parentSpanId: base64(span.parentSpanId) } : { parentSpanId: undefined }),
          kind: ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'][span.kind],
          status: span.status.code === 2 ? { code: 'STATUS_CODE_ERROR', message: span.status.message } : {},
        })),
      })),
    })),
  };
}

/** The spans of kennels' look-up of kennel 2, as lab 1 asks for it, tagged with `learner`. */
export function kennel2Trace(traceId: string, learner: string, startMs = 0): SpanFields[] {
  const tag = { 'dogbook.learner': learner };
  return [
    {
      service: 'kennels',
      traceId,
      spanId: '1000000000000001',
      name: 'GET /api/v1/kennels/:id',
      kind: 2,
      startMs,
      endMs: startMs + 210,
      attributes: { ...tag, 'http.route': '/api/v1/kennels/:id', 'http.response.status_code': 200 },
    },
    {
      service: 'kennels',
      traceId,
      spanId: '1000000000000002',
      parentSpanId: '1000000000000001',
      name: 'kennels.find_kennel',
      startMs: startMs + 1,
      endMs: startMs + 2,
      attributes: { ...tag, 'dogbook.kennel.id': 2, 'dogbook.kennel.found': true },
    },
  ];
}
