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

  it.each([
    ['letters', '/api/v1/dogs/abc', 'id must be a non-negative integer'],
    ['a decimal', '/api/v1/dogs/1.5', 'id must be a non-negative integer'],
    ['a negative', '/api/v1/dogs/-1', 'id must be a non-negative integer'],
    ['an empty query value', '/api/v1/dogs?id=', 'id must be a non-negative integer'],
    ['an absurdly long number', `/api/v1/dogs/${'9'.repeat(400)}`, 'id must be a non-negative integer'],
    ['a repeated parameter', '/api/v1/dogs?id=1&id=2', 'id must be given exactly once'],
    ['a hex number', '/api/v1/dogs/0x1', 'id must be a non-negative integer'],
    ['an exponent', '/api/v1/dogs/1e3', 'id must be a non-negative integer'],
  ])('when the id is %s, then the answer is a JSON 400 that says why', async (_case, path, message) => {
    const res = await request(app).get(path);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: message });
  });

  it('when the path holds a broken %-escape, then the answer is a JSON 400, not a 5xx', async () => {
    const res = await request(app).get('/api/v1/dogs/%E0%A4%A');

    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it.each(['post', 'put', 'patch', 'delete'] as const)(
    'when the method is %s, then the answer is a JSON 405 naming the allowed methods',
    async (method) => {
      const res = await request(app)[method]('/api/v1/dogs/1');

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.body.error).toMatch(/not allowed/);
    },
  );

  it('when an unknown path is asked for, then the answer is a JSON 404', async () => {
    const res = await request(app).get('/api/v1/cats');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no route for GET /api/v1/cats' });
  });

  it('when the health endpoints are asked, then both say the service is up', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready' });
  });
});
