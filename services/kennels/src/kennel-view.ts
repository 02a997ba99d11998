import { HttpError } from '@dogbook/service-kit';
import type { Kennel } from './kennels';
import type { Neighbours } from './neighbours';

export interface KennelWithDogs extends Kennel {
  dogs: { id: number; name: string | null }[];
}

/**
 * A kennel with its dogs: the dog ids from inventory, then every dog's name from dogs, all at once.
 * A dog whose look-up fails keeps its place with `name: null`: a partial answer beats none, and the
 * failed call is already an ERROR span. Without inventory there is nothing to show: 502.
 */
export async function withDogs(kennel: Kennel, neighbours: Neighbours): Promise<KennelWithDogs> {
  let dogIds: number[];
  try {
    dogIds = await neighbours.fetchDogIds(kennel.id);
  } catch {
    throw new HttpError(502, `the inventory service did not answer for kennel ${kennel.id}`);
  }
  const dogs = await Promise.all(dogIds.map((id) => neighbours.fetchDog(id).catch(() => ({ id, name: null }))));
  return { ...kennel, dogs };
}
