export { HttpError, errorHandler, methodNotAllowed, notFound } from './errors';
export { readId } from './ids';
export { collectionRoutes, type Collection } from './collection-routes';
export { baseConfigSchema, readConfig } from './config';
export { createLogger, type Logger } from './logger';
export { createServiceApp, markShuttingDown } from './service-app';
export { serve } from './serve';
