import type { Router } from 'express';
import { HttpError, collectionRoutes } from '@dogbook/service-kit';
import { withDogs } from './kennel-view';
import { findKennel, listKennels } from './kennels';
import type { Neighbours } from './neighbours';

export function kennelRoutes(neighbours: Neighbours): Router {
  return collectionRoutes({
    path: '/api/v1/kennels',
    idName: 'id',
    list: async () => {
      const kennels = await listKennels();
      return Promise.all(kennels.map((kennel) => withDogs(kennel, neighbours)));
    },
    get: async (id) => {
      const kennel = await findKennel(id);
      if (!kennel) throw new HttpError(404, `no kennel with id ${id}`);
      return withDogs(kennel, neighbours);
    },
  });
}
