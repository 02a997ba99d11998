import { SpanStatusCode, isSpanContextValid, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

/**
 * Runs `work` inside a new active span named `name`. A thrown error is recorded on the span, which
 * gets ERROR status and `error.type`, and is rethrown: the caller decides what the failure means,
 * but the trace always shows it. The span ends in `finally`, whatever happens.
 */
export function withSpan<T>(tracer: Tracer, name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      // A system error's code (ECONNREFUSED) says more than its class; a DOMException's numeric
      // legacy code (23 for TimeoutError) says less than its name.
      const { code } = err as { code?: unknown };
      span.setAttribute('error.type', typeof code === 'string' ? code : err.name);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace id of the current request, or undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : undefined;
}
