import { Router, type Request, type Response } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import type { InventoryStore } from './inventory';

/**
 * `GET /api/v1/inventory` lists every kennel's dog ids; `GET /api/v1/inventory/:kennelId` and
 * `GET /api/v1/inventory?kennelId=2` answer one kennel. Each route is written out, so the span
 * name `GET /api/v1/inventory/:kennelId` greps to this file.
 */
export function inventoryRoutes(store: InventoryStore): Router {
  const answer = async (req: Request, res: Response) => {
    const kennelId = readId(req, 'kennelId');
    if (kennelId === undefined) {
      res.json(await store.listInventory());
      return;
    }
    const entry = await store.findDogIds(kennelId);
    if (!entry) throw new HttpError(404, `no kennel with id ${kennelId}`);
    res.json(entry);
  };

  const router = Router();
  router.route('/api/v1/inventory').get(answer).all(methodNotAllowed);
  router.route('/api/v1/inventory/:kennelId').get(answer).all(methodNotAllowed);
  return router;
}
