import { z } from 'zod';
import { nanosToMs, type AttributeValue, type Span, type SpanKindName, type StatusCodeName } from './trace';

/*
 * OTLP/JSON, as the OpenTelemetry JS exporter sends it with OTEL_EXPORTER_OTLP_PROTOCOL=http/json:
 *   { resourceSpans: [{ resource: { attributes }, scopeSpans: [{ scope, spans: [...] }] }] }
 * Unlike plain protobuf JSON, OTLP/JSON writes trace and span ids as hex; 64-bit times may come
 * as strings or numbers; enums as integers (the spec) or names (some senders).
 */

const hexId = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes * 2} hex digits`)
    .transform((id) => id.toLowerCase());

// As a JSON number, today's time in nanoseconds is beyond 2^53: accepted, but only the string is exact.
const unixNanos = z
  .union([z.string().regex(/^\d{1,20}$/, 'must be unix nanoseconds'), z.number().nonnegative()])
  .transform((value) => BigInt(typeof value === 'number' ? Math.trunc(value) : value));

const enumValue = z.union([z.number().int(), z.string()]);

// Attribute values are checked while they are flattened (see flattenValue), so any JSON passes here.
const keyValue = z.object({ key: z.string(), value: z.unknown() });

// An event: a point in time inside a span, such as an `exception` with its type and message.
const otlpEvent = z.object({ name: z.string().nullish(), timeUnixNano: unixNanos, attributes: z.array(keyValue).nullish() });

const otlpSpan = z.object({
  traceId: hexId(16),
  spanId: hexId(8),
  parentSpanId: z.union([hexId(8), z.literal('')]).nullish(),
  name: z.string(),
  kind: enumValue.optional(),
  startTimeUnixNano: unixNanos,
  endTimeUnixNano: unixNanos,
  attributes: z.array(keyValue).nullish(),
  events: z.array(otlpEvent).nullish(),
  status: z.object({ code: enumValue.optional(), message: z.string().nullish() }).nullish(),
});

const exportRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: z.array(keyValue).nullish() }).nullish(),
        scopeSpans: z.array(z.object({ spans: z.array(otlpSpan).nullish() })).nullish(),
      }),
    )
    .nullish(),
});

const SPAN_KINDS: readonly SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

/** 2 -> 'SERVER', 'SPAN_KIND_SERVER' -> 'SERVER'; anything else -> the first (unspecified) name. */
function enumName<Name extends string>(names: readonly Name[], prefix: string, value: unknown): Name {
  if (typeof value === 'number') return names[value] ?? names[0]!;
  if (typeof value === 'string') {
    const name = value.replace(prefix, '') as Name;
    if (names.includes(name)) return name;
  }
  return names[0]!;
}

/** An OTLP AnyValue as plain JSON. Nested key-value lists become JSON text, to keep attributes flat. */
function flattenValue(value: unknown): AttributeValue {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if ('intValue' in v) {
    // int64 arrives as a string when it may not fit a JSON number exactly.
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) return Number(v.doubleValue);
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  const array = (v.arrayValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(array)) return array.map(flattenValue);
  const list = (v.kvlistValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(list)) return JSON.stringify(flattenAttributes(list));
  return null;
}

function flattenAttributes(attributes: readonly unknown[] | null | undefined): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const attribute of attributes ?? []) {
    const parsed = keyValue.safeParse(attribute);
    if (parsed.success) result[parsed.data.key] = flattenValue(parsed.data.value);
  }
  return result;
}

export class OtlpParseError extends Error {
  override name = 'OtlpParseError';
}

/**
 * The spans of one OTLP/JSON trace export request (or of a protobuf one, once decoded to the same
 * shape: see otlp-protobuf.ts). Throws OtlpParseError, naming the first problem, when the body is
 * not that shape: a sender with a bug gets told, not silently ignored.
 */
export function parseTraceExport(body: unknown, encoding = 'OTLP/JSON'): Span[] {
  const result = exportRequest.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new OtlpParseError(`not an ${encoding} trace export: ${where} ${issue?.message ?? 'is invalid'}`);
  }

  const spans: Span[] = [];
  for (const resourceSpans of result.data.resourceSpans ?? []) {
    const resource = flattenAttributes(resourceSpans.resource?.attributes);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const statusMessage = span.status?.message;
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || null,
          name: span.name,
          kind: enumName(SPAN_KINDS, 'SPAN_KIND_', span.kind),
          serviceName,
          startTimeUnixNano: span.startTimeUnixNano.toString(),
          endTimeUnixNano: span.endTimeUnixNano.toString(),
          durationMs: nanosToMs(span.endTimeUnixNano - span.startTimeUnixNano),
          attributes: flattenAttributes(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name ?? '',
            timeUnixNano: event.timeUnixNano.toString(),
            attributes: flattenAttributes(event.attributes),
          })),
          status: {
            code: enumName(STATUS_CODES, 'STATUS_CODE_', span.status?.code),
            ...(statusMessage ? { message: statusMessage } : {}),
          },
        });
      }
    }
  }
  return spans;
}
