import { trace } from '@opentelemetry/api';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { currentTraceId } from '@dogbook/tracing';

/** The one error type routes throw; the error handler turns it into a JSON answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Express itself and its parsers flag client errors (a malformed %-escape, say) with a 4xx status. */
function clientStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, `no route for ${req.method} ${req.path}`);
};

/** Every DogBook endpoint is read-only. */
export const methodNotAllowed: RequestHandler = (req) => {
  throw new HttpError(405, `method ${req.method} is not allowed here; use GET`, { Allow: 'GET, HEAD' });
};

/**
 * The one place errors become responses: `{"error": "...", "traceId": "..."}`. The trace id lets a
 * user go from an error message straight to its trace, where the server span holds the error as an
 * exception event: for a 4xx too, whose span status stays unset (the caller's mistake), so the
 * trace still says what the caller was told. Every 5xx is logged with its error on the request's
 * log line; details of an unexpected error stay out of the answer.
 */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const clientStatus = clientStatusOf(error);
  let status: number;
  let message: string;
  if (error instanceof HttpError) {
    ({ status, message } = error);
    res.set(error.headers);
  } else if (clientStatus) {
    status = clientStatus;
    message = error instanceof Error ? error.message : 'bad request';
  } else {
    status = 500;
    message = 'internal error';
  }
  trace.getActiveSpan()?.recordException(error instanceof Error ? error : String(error));
  // pino-http's request line then names the error itself, not just "failed with status code 500".
  if (status >= 500) res.err = error;
  res.status(status).json({ error: message, traceId: currentTraceId() });
};
