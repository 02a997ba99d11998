import { Router } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import { withDogs } from './kennel-view';
import { findKennel, listKennels } from './kennels';
import type { Neighbours } from './neighbours';

export function kennelRoutes(neighbours: Neighbours): Router {
  const router = Router();

  const getKennel = async (id: number) => {
    const kennel = await findKennel(id);
    if (!kennel) throw new HttpError(404, `no kennel with id ${id}`);
    return withDogs(kennel, neighbours);
  };

  const listAll = async () => {
    const kennels = await listKennels();
    return Promise.all(kennels.map((kennel) => withDogs(kennel, neighbours)));
  };

  router
    .route('/api/v1/kennels')
    .get(async (req, res) => {
      const id = readId(req, 'id');
      res.json(id === undefined ? await listAll() : await getKennel(id));
    })
    .all(methodNotAllowed);

  router
    .route('/api/v1/kennels/:id')
    .get(async (req, res) => {
      res.json(await getKennel(readId(req, 'id')!));
    })
    .all(methodNotAllowed);

  return router;
}
