import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@dogbook/service-kit';
import { createApp } from '../src/app';

const app = createApp({ SIMULATED_LATENCY_MS: 0 }, createLogger('inventory', 'silent'));

describe('inventory routes', () => {
  it('when the whole inventory is asked for, then every kennel comes back with its dog ids', async () => {
    const res = await request(app).get('/api/v1/inventory');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { kennelId: 0, dogIds: [0] },
      { kennelId: 1, dogIds: [1, 2] },
      { kennelId: 2, dogIds: [3, 4, 5] },
    ]);
  });

  it.each(['/api/v1/inventory/2', '/api/v1/inventory?kennelId=2'])(
    'when kennel 2 is asked for as %s, then its dogs are 3, 4 and 5',
    async (path) => {
      const res = await request(app).get(path);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kennelId: 2, dogIds: [3, 4, 5] });
    },
  );

  it('when an unknown kennel is asked for, then the answer is a JSON 404', async () => {
    const res = await request(app).get('/api/v1/inventory/9');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no kennel with id 9' });
  });
});
