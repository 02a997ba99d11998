import { Router } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import type { DogStore } from './dogs';

export function dogRoutes(store: DogStore): Router {
  const router = Router();

  const getDog = async (id: number) => {
    const dog = await store.findDog(id);
    if (!dog) throw new HttpError(404, `no dog with id ${id}`);
    return dog;
  };

  router
    .route('/api/v1/dogs')
    .get(async (req, res) => {
      const id = readId(req, 'id');
      res.json(id === undefined ? await store.listDogs() : await getDog(id));
    })
    .all(methodNotAllowed);

  router
    .route('/api/v1/dogs/:id')
    .get(async (req, res) => {
      res.json(await getDog(readId(req, 'id')!));
    })
    .all(methodNotAllowed);

  return router;
}
