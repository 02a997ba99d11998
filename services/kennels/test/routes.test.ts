import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@dogbook/service-kit';
import { createApp } from '../src/app';
import { deadUrl, startNeighbours } from './neighbours';

const silent = createLogger('kennels', 'silent');
const KENNEL_2 = {
  id: 2,
  name: 'some other kennel',
  dogs: [
    { id: 3, name: 'Möhre' },
    { id: 4, name: 'Jack' },
    { id: 5, name: 'Charlie' },
  ],
};

describe('kennels routes, with inventory and dogs up', () => {
  let neighbours: Awaited<ReturnType<typeof startNeighbours>>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    neighbours = await startNeighbours();
    app = createApp({ INVENTORY_URL: neighbours.inventoryUrl, DOGS_URL: neighbours.dogsUrl, DOWNSTREAM_TIMEOUT_MS: 2000 }, silent);
  });
  afterAll(() => neighbours.close());

  it('when all kennels are asked for, then each comes with its dogs', async () => {
    const res = await request(app).get('/api/v1/kennels');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: 0, name: 'awesome kennel', dogs: [{ id: 0, name: 'Rufus' }] },
      {
        id: 1,
        name: 'not as awesome kennel',
        dogs: [
          { id: 1, name: 'Rex' },
          { id: 2, name: 'Dobby' },
        ],
      },
      KENNEL_2,
    ]);
  });

  it.each(['/api/v1/kennels/2', '/api/v1/kennels?id=2'])(
    'when kennel 2 is asked for as %s, then it comes with Möhre, Jack and Charlie',
    async (path) => {
      const res = await request(app).get(path);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(KENNEL_2);
    },
  );

  it('when an unknown kennel is asked for, then the answer is a JSON 404', async () => {
    const res = await request(app).get('/api/v1/kennels/3');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no kennel with id 3' });
  });
});

/**
 * Asks kennels for `path` with its neighbours in the given state (down, or slow against the
 * timeout), then stops them.
 */
async function askKennels(
  path: string,
  state: { inventoryDown?: boolean; dogsDown?: boolean; inventoryMs?: number; dogsMs?: number; timeoutMs?: number },
) {
  const neighbours = await startNeighbours({ inventoryMs: state.inventoryMs, dogsMs: state.dogsMs });
  const app = createApp(
    {
      INVENTORY_URL: state.inventoryDown ? await deadUrl() : neighbours.inventoryUrl,
      DOGS_URL: state.dogsDown ? await deadUrl() : neighbours.dogsUrl,
      DOWNSTREAM_TIMEOUT_MS: state.timeoutMs ?? 2000,
    },
    silent,
  );
  try {
    return await request(app).get(path);
  } finally {
    await neighbours.close();
  }
}

describe('kennels routes, when a neighbour fails', () => {
  it('when the dogs service is down, then the kennel still lists its dog ids, with null names', async () => {
    const res = await askKennels('/api/v1/kennels/2', { dogsDown: true });

    expect(res.status).toBe(200);
    expect(res.body.dogs).toEqual([
      { id: 3, name: null },
      { id: 4, name: null },
      { id: 5, name: null },
    ]);
  });

  it('when the dogs service is slower than the timeout, then the kennel answers with null names', async () => {
    // Far apart, so that a busy machine cannot make inventory's fast answer miss the timeout too.
    const res = await askKennels('/api/v1/kennels/1', { dogsMs: 5_000, timeoutMs: 1_000 });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      name: 'not as awesome kennel',
      dogs: [
        { id: 1, name: null },
        { id: 2, name: null },
      ],
    });
  });

  it('when the inventory service is down, then the answer is a JSON 502', async () => {
    const res = await askKennels('/api/v1/kennels/2', { inventoryDown: true });

    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'the inventory service did not answer for kennel 2' });
  });

  it('when the inventory service is slower than the timeout, then the answer is a JSON 502', async () => {
    const res = await askKennels('/api/v1/kennels', { inventoryMs: 1000, timeoutMs: 100 });

    expect(res.status).toBe(502);
    expect(res.body.error).toMatch(/inventory service did not answer/);
  });
});
