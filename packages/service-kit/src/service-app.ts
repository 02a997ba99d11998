import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import { isHealthCheck } from '@dogbook/tracing';
import { errorHandler, notFound } from './errors';
import { dogbookBaggage } from './faults';
import type { Logger } from './logger';
import { setFaultInjection } from '@dogbook/tracing';

/** Flipped by serve() on SIGTERM: /readyz then answers 503 so load balancers stop sending work. */
export function markShuttingDown(app: Express): void {
  app.locals.shuttingDown = true;
}

export interface ServiceAppOptions {
  /** FAULT_INJECTION: whether `dogbook.fault.*` baggage may slow or fail this service's look-ups. */
  faultInjection?: boolean;
}

/**
 * The skeleton every DogBook service shares: request logging, health endpoints, the check of the
 * request's `dogbook.*` baggage, the service's own routes, then the JSON 404 and the one error
 * handler. No `listen` here: tests drive the app in-process, and serve() owns the port.
 */
export function createServiceApp(logger: Logger, routes: Router, { faultInjection = true }: ServiceAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.locals.shuttingDown = false;
  // The span processor copies onto spans only the baggage this service checks.
  setFaultInjection(faultInjection);

  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => isHealthCheck(req.url) },
      // A 5xx is this service's failure and is logged as an error, so it shows at LOG_LEVEL=warn
      // too; a 4xx is the caller's mistake, an ordinary request.
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (req, res) => {
    const shuttingDown = Boolean(req.app.locals.shuttingDown);
    res.status(shuttingDown ? 503 : 200).json({ status: shuttingDown ? 'shutting down' : 'ready' });
  });
  app.use(dogbookBaggage({ faultInjection }));
  app.use(routes);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
