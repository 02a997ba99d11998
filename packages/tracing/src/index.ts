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
  SERVICE_NAMES,
  isDogbookBaggageKey,
  isHealthCheck,
  type ServiceName,
} from './conventions';
export {
  BaggageError,
  FAULT_GRAMMAR,
  MAX_DELAY_MS,
  readDogbookBaggage,
  setFaultInjection,
  type DogbookBaggage,
  type Fault,
  type FaultEffect,
} from './baggage';
