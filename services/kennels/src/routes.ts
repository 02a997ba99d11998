import { Router, type Request, type Response } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import { withDogs } from './kennel-view';
import { findKennel, listKennels } from './kennels';
import type { Neighbours } from './neighbours';

/**
 * `GET /api/v1/kennels` lists every kennel with its dogs; `GET /api/v1/kennels/:id` and
 * `GET /api/v1/kennels?id=2` answer one. Each route is written out, so the span name
 * `GET /api/v1/kennels/:id` greps to this file.
 */
export function kennelRoutes(neighbours: Neighbours): Router {
  const answer = async (req: Request, res: Response) => {
    const id = readId(req, 'id');
    if (id === undefined) {
      const kennels = await listKennels();
      res.json(await Promise.all(kennels.map((kennel) => withDogs(kennel, neighbours))));
      return;
    }
    const kennel = await findKennel(id);
    if (!kennel) throw new HttpError(404, `no kennel with id ${id}`);
    res.json(await withDogs(kennel, neighbours));
  };

  const router = Router();
  router.route('/api/v1/kennels').get(answer).all(methodNotAllowed);
  router.route('/api/v1/kennels/:id').get(answer).all(methodNotAllowed);
  return router;
}
