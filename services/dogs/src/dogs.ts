import { trace } from '@opentelemetry/api';
import { lookUp, simulatedRoundTrip } from '@dogbook/service-kit';

export interface Dog {
  id: number;
  name: string;
}

const DOGS: readonly Dog[] = [
  { id: 0, name: 'Rufus' },
  { id: 1, name: 'Rex' },
  { id: 2, name: 'Dobby' },
  { id: 3, name: 'Möhre' },
  { id: 4, name: 'Jack' },
  { id: 5, name: 'Charlie' },
];

const tracer = trace.getTracer('dogs');

/**
 * The dogs "database": in memory, with a simulated round trip so each look-up shows in the trace
 * with a real duration. Each look-up is a span of its own, named after the operation, where a
 * `dogbook.fault.dogs[.<id>]` baggage member can add a delay or an error.
 */
export function createDogStore(latencyMs: number) {
  return {
    findDog: (id: number) =>
      lookUp(tracer, 'dogs.find_dog', { service: 'dogs', id }, { 'dogbook.dog.id': id }, async (span) => {
        await simulatedRoundTrip(latencyMs);
        const dog = DOGS.find((candidate) => candidate.id === id);
        span.setAttribute('dogbook.dog.found', dog !== undefined);
        return dog;
      }),

    listDogs: () =>
      lookUp(tracer, 'dogs.list_dogs', { service: 'dogs' }, {}, async (span) => {
        await simulatedRoundTrip(latencyMs);
        span.setAttribute('dogbook.dog.count', DOGS.length);
        return DOGS;
      }),
  };
}

export type DogStore = ReturnType<typeof createDogStore>;
