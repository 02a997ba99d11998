import { Router, type RequestHandler } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  baseConfigSchema,
  createLogger,
  createServiceApp,
  markShuttingDown,
  methodNotAllowed,
  readConfig,
  readId,
  simulatedRoundTrip,
} from '../src/index';

const silent = createLogger('test', 'silent');

describe('readConfig', () => {
  it('when the environment is empty, then every documented default applies', () => {
    expect(readConfig(baseConfigSchema, {})).toEqual({ PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'info', FAULT_INJECTION: 'on' });
  });

  it('when HOST is an address, then it is kept; when it is anything else, reading fails and names HOST', () => {
    expect(readConfig(baseConfigSchema, { HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
    expect(readConfig(baseConfigSchema, { HOST: '::1' }).HOST).toBe('::1');
    expect(() => readConfig(baseConfigSchema, { HOST: 'my-laptop.local' })).toThrow(/HOST/);
  });

  it('when a variable is malformed, then reading fails at once and names the variable', () => {
    const schema = baseConfigSchema.extend({ DOWNSTREAM_TIMEOUT_MS: z.coerce.number().int().positive() });

    expect(() => readConfig(schema, { PORT: 'eighty', DOWNSTREAM_TIMEOUT_MS: '-5' })).toThrow(/PORT[\s\S]*DOWNSTREAM_TIMEOUT_MS/);
  });
});

describe('createServiceApp', () => {
  const boom = Router().get('/boom', () => {
    throw new Error('secret database password in a stack trace');
  });

  it('when the service is shutting down, then /readyz answers 503 while /healthz stays 200', async () => {
    const app = createServiceApp(silent, Router());
    expect((await request(app).get('/readyz')).status).toBe(200);

    markShuttingDown(app);

    const readiness = await request(app).get('/readyz');
    expect(readiness.status).toBe(503);
    expect(readiness.body).toEqual({ status: 'shutting down' });
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('when a route fails unexpectedly, then the answer is a JSON 500 that keeps the details to itself', async () => {
    const res = await request(createServiceApp(silent, boom)).get('/boom');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
  });

  it('when the response is sent, then it does not advertise the framework', async () => {
    const res = await request(createServiceApp(silent, Router())).get('/healthz');

    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('readId and methodNotAllowed, wired as every service wires them', () => {
  const echoId = Router();
  const answer: RequestHandler = (req, res) => {
    res.json({ id: readId(req, 'id') ?? null });
  };
  echoId.route('/things').get(answer).all(methodNotAllowed);
  echoId.route('/things/:id').get(answer).all(methodNotAllowed);
  const app = createServiceApp(silent, echoId);

  it.each([
    ['/things/3', 3],
    ['/things?id=3', 3],
    ['/things/3/', 3],
    ['/things/000000007', 7],
    ['/things', null],
  ])('when the id is asked as %s, then the handler reads %s', async (path, id) => {
    const res = await request(app).get(path);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id });
  });

  it.each([
    ['letters', '/things/abc', 'id must be a non-negative integer'],
    ['a decimal', '/things/1.5', 'id must be a non-negative integer'],
    ['a decimal in the query', '/things?id=2.0', 'id must be a non-negative integer'],
    ['a negative', '/things/-1', 'id must be a non-negative integer'],
    ['a negative in the query', '/things?id=-2', 'id must be a non-negative integer'],
    ['an empty query value', '/things?id=', 'id must be a non-negative integer'],
    ['an absurdly long number', `/things/${'9'.repeat(400)}`, 'id must be a non-negative integer'],
    ['ten digits', '/things/1234567890', 'id must be a non-negative integer'],
    ['whitespace', '/things/%202', 'id must be a non-negative integer'],
    ['a hex number', '/things/0x1', 'id must be a non-negative integer'],
    ['an exponent', '/things/1e3', 'id must be a non-negative integer'],
    ['a repeated parameter', '/things?id=1&id=2', 'id must be given exactly once'],
  ])('when the id is %s, then the answer is a JSON 400 that says why', async (_case, path, message) => {
    const res = await request(app).get(path);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: message });
  });

  it('when the path holds a broken %-escape, then the answer is a JSON 400, not a 5xx', async () => {
    const res = await request(app).get('/things/%E0%A4%A');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringMatching(/decode/i) });
  });

  it.each([
    ['post', '/things'],
    ['put', '/things/1'],
    ['patch', '/things/1'],
    ['delete', '/things?id=1'],
  ] as const)('when the method is %s on %s, then the answer is a JSON 405 naming the allowed methods', async (method, path) => {
    const res = await request(app)[method](path);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body).toEqual({ error: `method ${method.toUpperCase()} is not allowed here; use GET` });
  });

  it('when an unknown path is asked for, then the answer is a JSON 404 naming it', async () => {
    const res = await request(app).get('/things/1/parts');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no route for GET /things/1/parts' });
  });

  it('when the health endpoints are asked, then both say the service is up', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready' });
  });
});

describe('simulatedRoundTrip', () => {
  it('when the latency is 0, then it waits for no timer: it is over before the event loop turns', async () => {
    let turned = false;
    setImmediate(() => (turned = true));

    await simulatedRoundTrip(0);

    expect(turned).toBe(false);
  });

  it('when the latency is 20 ms, then it waits at least that long', async () => {
    const startedAt = performance.now();

    await simulatedRoundTrip(20);

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(19);
  });
});
