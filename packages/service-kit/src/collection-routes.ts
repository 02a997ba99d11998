import { Router } from 'express';
import { methodNotAllowed } from './errors';
import { readId } from './ids';

export interface Collection {
  /** Where the collection lives, e.g. `/api/v1/dogs`. */
  path: string;
  /** The id's name, both in the path (`/api/v1/dogs/:id`) and in the query (`?id=3`). */
  idName: string;
  list: () => Promise<unknown>;
  /** Answers one item, or throws HttpError(404). */
  get: (id: number) => Promise<unknown>;
}

/**
 * DogBook's one URL convention, shared by every service: `GET <path>` lists the collection,
 * `GET <path>/:id` and `GET <path>?id=N` answer one item, and any other method is a 405.
 * A malformed id is a 400 from readId(); handlers only ever see a valid number.
 */
export function collectionRoutes({ path, idName, list, get }: Collection): Router {
  const router = Router();

  router
    .route(path)
    .get(async (req, res) => {
      const id = readId(req, idName);
      res.json(id === undefined ? await list() : await get(id));
    })
    .all(methodNotAllowed);

  router
    .route(`${path}/:${idName}`)
    .get(async (req, res) => {
      res.json(await get(readId(req, idName)!));
    })
    .all(methodNotAllowed);

  return router;
}
