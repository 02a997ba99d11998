import { Router, type Request, type Response } from 'express';
import { HttpError, methodNotAllowed, readId } from '@dogbook/service-kit';
import type { DogStore } from './dogs';

/**
 * `GET /api/v1/dogs` lists every dog; `GET /api/v1/dogs/:id` and `GET /api/v1/dogs?id=3` answer
 * one. Each route is written out, so the span name `GET /api/v1/dogs/:id` greps to this file.
 */
export function dogRoutes(store: DogStore): Router {
  const answer = async (req: Request, res: Response) => {
    const id = readId(req, 'id');
    if (id === undefined) {
      res.json(await store.listDogs());
      return;
    }
    const dog = await store.findDog(id);
    if (!dog) throw new HttpError(404, `no dog with id ${id}`);
    res.json(dog);
  };

  const router = Router();
  router.route('/api/v1/dogs').get(answer).all(methodNotAllowed);
  router.route('/api/v1/dogs/:id').get(answer).all(methodNotAllowed);
  return router;
}
