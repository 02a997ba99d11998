/**
 * What application code may use. It depends on @opentelemetry/api only: the SDK itself is started
 * by the preloaded `@dogbook/tracing/register`, never imported by a service.
 */
export { withSpan, currentTraceId } from './spans';
export { shutdownTracing } from './lifecycle';
export { formatTraceResponse } from './trace-response';
export {
  BaggageError,
  FAULT_GRAMMAR,
  FAULT_SERVICES,
  MAX_DELAY_MS,
  readDogbookBaggage,
  setFaultInjection,
  type DogbookBaggage,
  type Fault,
  type FaultEffect,
  type FaultService,
} from './baggage';
