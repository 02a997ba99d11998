import type { Router } from 'express';
import { HttpError, collectionRoutes } from '@dogbook/service-kit';
import type { InventoryStore } from './inventory';

export function inventoryRoutes(store: InventoryStore): Router {
  return collectionRoutes({
    path: '/api/v1/inventory',
    idName: 'kennelId',
    list: () => store.listInventory(),
    get: async (kennelId) => {
      const entry = await store.findDogIds(kennelId);
      if (!entry) throw new HttpError(404, `no kennel with id ${kennelId}`);
      return entry;
    },
  });
}
