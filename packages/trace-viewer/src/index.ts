export { DEFAULT_MAX_BYTES, DEFAULT_MAX_TRACES, DEFAULT_PORT, startTraceViewer, type TraceViewer, type TraceViewerOptions } from './viewer';
export { printable, renderWaterfall, waterfallRows, type WaterfallOptions } from './waterfall';
export { parseTraceExport } from './otlp';
export { OTLP_COMMON_MESSAGES, countProtobufTraceSpans, decodeProtobufTraceExport } from './otlp-protobuf';
export { LEARNER_ATTRIBUTE, summarize } from './trace';
export type { AttributeValue, Span, SpanEvent, SpanKindName, StatusCodeName, Trace } from './trace';
