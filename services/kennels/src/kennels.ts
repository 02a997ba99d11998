import { trace } from '@opentelemetry/api';
import { lookUp } from '@dogbook/service-kit';

export interface Kennel {
  id: number;
  name: string;
}

const KENNELS: readonly Kennel[] = [
  { id: 0, name: 'awesome kennel' },
  { id: 1, name: 'not as awesome kennel' },
  { id: 2, name: 'some other kennel' },
];

const tracer = trace.getTracer('kennels');

/**
 * Kennel names are kennels' own data: an in-memory look-up, with a span like any data access, where
 * a `dogbook.fault.kennels[.<id>]` baggage member can add a delay or an error.
 */
export const findKennel = (id: number) =>
  lookUp(tracer, 'kennels.find_kennel', { service: 'kennels', id }, { 'dogbook.kennel.id': id }, async (span) => {
    const kennel = KENNELS.find((candidate) => candidate.id === id);
    span.setAttribute('dogbook.kennel.found', kennel !== undefined);
    return kennel;
  });

export const listKennels = () =>
  lookUp(tracer, 'kennels.list_kennels', { service: 'kennels' }, {}, async (span) => {
    span.setAttribute('dogbook.kennel.count', KENNELS.length);
    return KENNELS;
  });
