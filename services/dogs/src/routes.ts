import type { Router } from 'express';
import { HttpError, collectionRoutes } from '@dogbook/service-kit';
import type { DogStore } from './dogs';

export function dogRoutes(store: DogStore): Router {
  return collectionRoutes({
    path: '/api/v1/dogs',
    idName: 'id',
    list: () => store.listDogs(),
    get: async (id) => {
      const dog = await store.findDog(id);
      if (!dog) throw new HttpError(404, `no dog with id ${id}`);
      return dog;
    },
  });
}
