import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { HttpError, errorHandler } from '@dogbook/service-kit';
import { LEARNER_NAME, LEARNER_NAME_RULE } from '@dogbook/tracing/conventions';
import { AssemblerFullError, type TraceAssembler } from './assembler';
import { OtlpParseError, parseTraceExport } from './otlp';
import { decodeProtobufTraceExport } from './otlp-protobuf';
import { createPageRouter } from './page';

/** Far above what a DogBook batch weighs (a few kB), far below what would hurt a laptop. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The two encodings of OTLP/HTTP, as their Content-Type names them. */
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const requireOtlpEncoding: RequestHandler = (req, _res, next) => {
  if (!req.is([PROTOBUF, JSON_TYPE])) {
    const type = req.get('content-type') ?? 'no content type';
    throw new HttpError(415, `this viewer reads OTLP/HTTP as ${PROTOBUF} or ${JSON_TYPE}, not ${type}`);
  }
  next();
};

/** `?learner=alice` -> 'alice'; absent -> undefined; malformed or given twice -> 400. */
function readLearner(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !LEARNER_NAME.test(value)) {
    throw new HttpError(400, `learner must be given once, as ${LEARNER_NAME_RULE}`);
  }
  return value;
}

/** `?rootService=dogs` -> 'dogs': a service name as OTEL_SERVICE_NAME spells one. */
function readName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\w.-]{1,64}$/.test(value)) {
    throw new HttpError(400, 'rootService must be given once, as 1-64 characters of A-Z a-z 0-9 _ . -');
  }
  return value;
}

/** `?from=1795000000000` -> a time in Unix milliseconds. */
function readMs(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new HttpError(400, `${name} must be given once, in Unix milliseconds`);
  return Number(value);
}

/** The viewer's own errors as HTTP answers, for the error handler every DogBook server shares. */
const asHttpError: ErrorRequestHandler = (error, _req, _res, next) => {
  // OTLP exporters retry a 503, after Retry-After: by then the waiting traces have been printed.
  if (error instanceof AssemblerFullError) next(new HttpError(503, error.message, { 'Retry-After': '2' }));
  else if (error instanceof OtlpParseError) next(new HttpError(400, error.message));
  else next(error);
};

/**
 * The OTLP/HTTP receiver and the JSON API:
 *   POST /v1/traces              OTLP export request, protobuf or JSON; answers an empty response
 *                                in the request's encoding, as OTLP expects
 *   POST /v1/logs, /v1/metrics   accepted and ignored, so a sender with those turned on sees no errors
 *   GET  /api/traces             every trace kept, newest first; ?learner=alice: alice's only;
 *                                ?rootService=dogs&from=<ms>&to=<ms>: rooted in dogs, started then
 *   GET  /api/learners           every learner name a kept span carries
 *   GET  /api/traces/:traceId    one trace, or 404
 *   GET  /healthz                {"status":"ok"}
 */
export function createReceiverApp(assembler: TraceAssembler): Express {
  const app = express();
  app.disable('x-powered-by');

  app.post(
    '/v1/traces',
    requireOtlpEncoding,
    express.raw({ type: PROTOBUF, limit: MAX_BODY_BYTES }),
    express.json({ type: JSON_TYPE, limit: MAX_BODY_BYTES }),
    (req, res) => {
      if (req.is(PROTOBUF)) {
        // An empty body is a valid (empty) protobuf message; body-parser then leaves req.body unset.
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        assembler.add(parseTraceExport(decodeProtobufTraceExport(body), 'OTLP/protobuf'));
        // An ExportTraceServiceResponse with no partial-success report encodes to zero bytes.
        res.type(PROTOBUF).end();
      } else {
        assembler.add(parseTraceExport(req.body));
        res.json({});
      }
    },
  );

  app.post(['/v1/logs', '/v1/metrics'], (req, res) => {
    req.resume();
    res.json({});
  });

  // Whether the viewer runs, for pnpm dev's watch over its parts: cheap, unlike listing traces.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/traces', (req, res) => {
    // Only the traces asked for are summarized: the viewer may hold thousands of others.
    res.json(
      assembler.traces({
        learner: readLearner(req.query.learner),
        rootService: readName(req.query.rootService),
        fromMs: readMs(req.query.from, 'from'),
        toMs: readMs(req.query.to, 'to'),
      }),
    );
  });

  app.get('/api/learners', (_req, res) => {
    res.json(assembler.learners());
  });

  app.get('/api/traces/:traceId', (req, res) => {
    const trace = assembler.trace(req.params.traceId.toLowerCase());
    if (!trace) throw new HttpError(404, `no trace ${req.params.traceId} here (the viewer keeps the newest ones only)`);
    res.json(trace);
  });

  // The web page (src/page.ts): GET /, /traces/:traceId, /assets/*.
  app.use(createPageRouter());

  app.use((req) => {
    throw new HttpError(404, `no route for ${req.method} ${req.path}; traces are at GET /api/traces`);
  });
  app.use(asHttpError, errorHandler);
  return app;
}
