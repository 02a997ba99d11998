import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from './errors';

/** Ids are small non-negative integers; nine digits bound them well inside Number's exact range. */
const idSchema = z
  .string({ error: 'must be given exactly once' })
  .regex(/^\d{1,9}$/, 'must be a non-negative integer')
  .transform(Number);

/**
 * Reads an id from the path (`/dogs/3`) or, failing that, from the query (`/dogs?id=3`): every
 * DogBook collection answers both.
 * Returns undefined when neither is given; anything malformed is a 400, never a 5xx.
 */
export function readId(req: Request, name: string): number | undefined {
  const raw = req.params[name] ?? req.query[name];
  if (raw === undefined) return undefined;
  const result = idSchema.safeParse(raw);
  if (!result.success) {
    throw new HttpError(400, `${name} ${result.error.issues[0]?.message ?? 'is invalid'}`);
  }
  return result.data;
}
