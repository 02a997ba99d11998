import { Router } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import type { InventoryStore } from './inventory';

export function inventoryRoutes(store: InventoryStore): Router {
  const router = Router();

  const getEntry = async (kennelId: number) => {
    const entry = await store.findDogIds(kennelId);
    if (!entry) throw new HttpError(404, `no kennel with id ${kennelId}`);
    return entry;
  };

  router
    .route('/api/v1/inventory')
    .get(async (req, res) => {
      const kennelId = readId(req, 'kennelId');
      res.json(kennelId === undefined ? await store.listInventory() : await getEntry(kennelId));
    })
    .all(methodNotAllowed);

  router
    .route('/api/v1/inventory/:kennelId')
    .get(async (req, res) => {
      res.json(await getEntry(readId(req, 'kennelId')!));
    })
    .all(methodNotAllowed);

  return router;
}
