/**
 * What application code may use. It depends on @opentelemetry/api only: the SDK itself is started
 * by the preloaded `@dogbook/tracing/register`, never imported by a service.
 */
export { withSpan, currentTraceId } from './spans';
export { shutdownTracing } from './lifecycle';
export { formatTraceResponse } from './trace-response';
export {
  DOGBOOK_BAGGAGE_PREFIX,
  HEALTH_CHECK_PATHS,
  LEARNER_NAME,
  LEARNER_NAME_RULE,
  isDogbookBaggageKey,
  isHealthCheck,
} from './conventions';
