import { trace } from '@opentelemetry/api';
import { withSpan } from '@dogbook/tracing';

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

/** Kennel names are kennels' own data: an in-memory look-up, with a span like any data access. */
export const findKennel = (id: number) =>
  withSpan(tracer, 'kennels.find_kennel', { 'dogbook.kennel.id': id }, async (span) => {
    const kennel = KENNELS.find((candidate) => candidate.id === id);
    span.setAttribute('dogbook.kennel.found', kennel !== undefined);
    return kennel;
  });

export const listKennels = () =>
  withSpan(tracer, 'kennels.list_kennels', {}, async (span) => {
    span.setAttribute('dogbook.kennel.count', KENNELS.length);
    return KENNELS;
  });
