export { HttpError, errorHandler, methodNotAllowed, notFound } from './errors';
export { readId } from './ids';
export { baseConfigSchema, readConfig } from './config';
export { createLogger, type Logger } from './logger';
export { createServiceApp, markShuttingDown, type ServiceAppOptions } from './service-app';
export { FAULT_GRAMMAR, readDogbookBaggage, type DogbookBaggage, type Fault } from './baggage';
export { InjectedFault, dogbookBaggage, lookUp, type LookUpTarget } from './faults';
export { serve } from './serve';
export { simulatedRoundTrip } from './round-trip';
