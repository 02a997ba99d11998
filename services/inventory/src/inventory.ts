import { trace } from '@opentelemetry/api';
import { lookUp, simulatedRoundTrip } from '@dogbook/service-kit';

export interface KennelInventory {
  kennelId: number;
  dogIds: number[];
}

/** Which dogs live in which kennel, by kennel id. */
const INVENTORY: readonly KennelInventory[] = [
  { kennelId: 0, dogIds: [0] },
  { kennelId: 1, dogIds: [1, 2] },
  { kennelId: 2, dogIds: [3, 4, 5] },
];

const tracer = trace.getTracer('inventory');

/**
 * The inventory "database": in memory, with a simulated round trip so each look-up shows in the
 * trace with a real duration. Each look-up is a span of its own, named after the operation, where a
 * `dogbook.fault.inventory[.<kennel id>]` baggage member can add a delay or an error.
 */
export function createInventoryStore(latencyMs: number) {
  return {
    findDogIds: (kennelId: number) =>
      lookUp(tracer, 'inventory.find_dog_ids', { service: 'inventory', id: kennelId }, { 'dogbook.kennel.id': kennelId }, async (span) => {
        await simulatedRoundTrip(latencyMs);
        const entry = INVENTORY.find((candidate) => candidate.kennelId === kennelId);
        span.setAttribute('dogbook.kennel.found', entry !== undefined);
        if (entry) span.setAttribute('dogbook.dog.count', entry.dogIds.length);
        return entry;
      }),

    listInventory: () =>
      lookUp(tracer, 'inventory.list_inventory', { service: 'inventory' }, {}, async (span) => {
        await simulatedRoundTrip(latencyMs);
        span.setAttribute('dogbook.kennel.count', INVENTORY.length);
        return INVENTORY;
      }),
  };
}

export type InventoryStore = ReturnType<typeof createInventoryStore>;
