import request from 'supertest';
import { createLogger } from '@dogbook/service-kit';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

const app = createApp({ SIMULATED_LATENCY_MS: 0 }, createLogger('dogs', 'silent'));

describe('dogs routes', () => {
  it('when all dogs are asked for, then the six dogs come back in id order', async () => {
    const res = await request(app).get('/api/v1/dogs');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: 0, name: 'Rufus' },
      { id: 1, name: 'Rex' },
      { id: 2, name: 'Dobby' },
      { id: 3, name: 'Möhre' },
      { id: 4, name: 'Jack' },
      { id: 5, name: 'Charlie' },
    ]);
  });

  it.each(['/api/v1/dogs/3', '/api/v1/dogs?id=3', '/api/v1/dogs/3/'])(
    'when dog 3 is asked for as %s, then Möhre comes back',
    async (path) => {
      const res = await request(app).get(path);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 3, name: 'Möhre' });
    },
  );

  it('when an unknown dog is asked for, then the answer is a JSON 404', async () => {
    const res = await request(app).get('/api/v1/dogs/42');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no dog with id 42' });
  });
});
