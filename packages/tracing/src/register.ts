/**
 * The tracing bootstrap, preloaded before the service's own code:
 *   node --require @dogbook/tracing/register dist/server.js
 * Preloading (rather than importing it first) guarantees that http, express and pino are patched
 * before anything loads them; import order is easy to break and breaks silently.
 * Shutdown is not handled here: the service's server owns SIGTERM and calls shutdownTracing().
 */
import { startTracing } from './sdk';

startTracing();
