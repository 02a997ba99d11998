import { Agent } from 'node:http';
import { trace } from '@opentelemetry/api';
import axios from 'axios';
import { z } from 'zod';
import { withSpan } from '@dogbook/tracing';
import type { Config } from './config';

const tracer = trace.getTracer('kennels');

// Neighbours are trusted no more than users: their answers are checked before use.
const inventoryAnswer = z.object({ kennelId: z.number(), dogIds: z.array(z.number()) });
const dogAnswer = z.object({ id: z.number(), name: z.string() });

/**
 * HTTP clients for the inventory and dogs services. Trace context travels in the `traceparent`
 * header, added by the http instrumentation to every outgoing request: no code here for that.
 * Each call has a deadline and reuses pooled keep-alive connections.
 */
export function createNeighbours(config: Pick<Config, 'INVENTORY_URL' | 'DOGS_URL' | 'DOWNSTREAM_TIMEOUT_MS'>) {
  const common = { timeout: config.DOWNSTREAM_TIMEOUT_MS, httpAgent: new Agent({ keepAlive: true }) };
  const inventory = axios.create({ ...common, baseURL: config.INVENTORY_URL });
  const dogs = axios.create({ ...common, baseURL: config.DOGS_URL });

  return {
    fetchDogIds: (kennelId: number) =>
      withSpan(tracer, 'kennels.fetch_dog_ids', { 'dogbook.kennel.id': kennelId }, async () => {
        const { data } = await inventory.get(`/api/v1/inventory/${kennelId}`);
        return inventoryAnswer.parse(data).dogIds;
      }),

    fetchDog: (dogId: number) =>
      withSpan(tracer, 'kennels.fetch_dog', { 'dogbook.dog.id': dogId }, async () => {
        const { data } = await dogs.get(`/api/v1/dogs/${dogId}`);
        return dogAnswer.parse(data);
      }),
  };
}

export type Neighbours = ReturnType<typeof createNeighbours>;
