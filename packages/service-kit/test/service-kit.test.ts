import { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { baseConfigSchema, createLogger, createServiceApp, markShuttingDown, readConfig, simulatedRoundTrip } from '../src/index';

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

    expect(() => readConfig(schema, { PORT: 'eighty', DOWNSTREAM_TIMEOUT_MS: '-5' })).toThrow(
      /PORT[\s\S]*DOWNSTREAM_TIMEOUT_MS/,
    );
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
