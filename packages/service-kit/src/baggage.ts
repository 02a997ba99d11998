import type { Baggage } from '@opentelemetry/api';
import { BaggageError, readDogbookBaggage as read, type DogbookBaggage } from '@dogbook/tracing';
import { HttpError } from './errors';

export { FAULT_GRAMMAR, type DogbookBaggage, type Fault, type FaultEffect } from '@dogbook/tracing';

/**
 * The request's `dogbook.*` baggage, read by the grammar in @dogbook/tracing (the span processor
 * checks it the same way); a malformed member is the caller's mistake, a 400 naming it.
 */
export function readDogbookBaggage(baggage: Baggage | undefined, options: { faults?: boolean } = {}): DogbookBaggage {
  try {
    return read(baggage, options);
  } catch (error) {
    if (error instanceof BaggageError) throw new HttpError(400, error.message);
    throw error;
  }
}
