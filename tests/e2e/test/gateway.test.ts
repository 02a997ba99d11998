import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitForAccessLogEntry } from '../src/access-log';
import { KENNEL_2 } from '../src/kennel-2';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';
import { brokenParentLinks, spansOf, traceIdOf, waitForTrace } from '../src/traces';

describe.skipIf(!nginxIsAvailable('the gateway tests (gateway.test.ts) are skipped'))('a kennel, through the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('when kennel 2 is asked for through nginx, then it answers with its dogs and one trace spans all three services', async () => {
    const response = await fetch(`${stack.entry}/api/v1/kennels/2`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(KENNEL_2);
    const traceId = traceIdOf(response.headers.get('traceresponse'));
    const trace = await waitForTrace(
      stack.viewer!,
      traceId,
      (t) => spansOf(t, { kind: 'SERVER' }).length === 5 && spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1,
    );

    expect(trace.traceId).toBe(traceId);
    expect(new Set(trace.spans.map((span) => span.serviceName))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
    expect(brokenParentLinks(trace)).toEqual([]);
    // nginx starts no trace: the root is kennels' server span, and the trace id is the one returned.
    const [root] = trace.spans.filter((span) => span.parentSpanId === null);
    expect(root).toMatchObject({ serviceName: 'kennels', kind: 'SERVER', name: 'GET /api/v1/kennels/:id' });
    expect(response.headers.get('traceresponse')).toBe(`00-${traceId}-${root!.spanId}-01`);
    // Across each process boundary, the callee's server span hangs under the caller's client span.
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    for (const server of spansOf(trace, { kind: 'SERVER' }).filter((span) => span !== root)) {
      expect(byId.get(server.parentSpanId!)).toMatchObject({ serviceName: 'kennels', kind: 'CLIENT' });
    }
    expect(spansOf(trace, { service: 'inventory', name: 'inventory.find_dog_ids' })).toHaveLength(1);
    expect(
      spansOf(trace, { service: 'dogs', name: 'dogs.find_dog' })
        .map((span) => span.attributes['dogbook.dog.id'])
        .sort(),
    ).toEqual([3, 4, 5]);
    expect(trace.errorCount).toBe(0);
    // The caller sent no traceparent: the id in nginx's log can only come from traceresponse.
    const entry = await waitForAccessLogEntry(stack.gateway!, (candidate) => candidate.trace_id === traceId);
    expect(entry).toMatchObject({ request: 'GET /api/v1/kennels/2 HTTP/1.1', status: 200, traceparent: '' });
  });

  test.each([
    { path: '/api/v1/kennels', service: 'kennels', body: expect.arrayContaining([expect.objectContaining(KENNEL_2)]) },
    { path: '/api/v1/kennels?id=2', service: 'kennels', body: KENNEL_2 },
    { path: '/api/v1/inventory', service: 'inventory', body: expect.arrayContaining([{ kennelId: 2, dogIds: [3, 4, 5] }]) },
    { path: '/api/v1/inventory/2', service: 'inventory', body: { kennelId: 2, dogIds: [3, 4, 5] } },
    { path: '/api/v1/dogs', service: 'dogs', body: expect.arrayContaining([{ id: 4, name: 'Jack' }]) },
    { path: '/api/v1/dogs/4', service: 'dogs', body: { id: 4, name: 'Jack' } },
  ])('when $path is asked for, then nginx routes it to $service', async ({ path, service, body }) => {
    const response = await fetch(`${stack.entry}${path}`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(body);
    const trace = await waitForTrace(stack.viewer!, traceIdOf(response.headers.get('traceresponse')), (t) => t.rootServiceName !== null);
    expect(trace.rootServiceName).toBe(service);
  });

  test('when the caller sends a traceparent, then the services continue its trace and the access log names it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${callerSpanId}-01`;

    const response = await fetch(`${stack.entry}/api/v1/kennels/2`, {
      headers: { traceparent, tracestate: 'dogbook=e2e', baggage: 'user=floor' },
    });

    expect(response.status).toBe(200);
    expect(traceIdOf(response.headers.get('traceresponse'))).toBe(traceId);
    const trace = await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1);
    expect(spansOf(trace, { service: 'kennels', kind: 'SERVER' })[0]!.parentSpanId).toBe(callerSpanId);
    const entry = await waitForAccessLogEntry(stack.gateway!, (candidate) => candidate.trace_id === traceId);
    expect(entry).toMatchObject({ traceparent, request: 'GET /api/v1/kennels/2 HTTP/1.1', status: 200, upstream_status: '200' });
  });

  const callerTrace = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  test.each([
    { name: 'a garbage traceparent', headers: { traceparent: 'garbage' }, continues: false },
    {
      name: 'an unknown traceparent version',
      headers: { traceparent: 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      continues: false,
    },
    { name: 'an all-zero trace id', headers: { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }, continues: false },
    { name: 'a malformed baggage', headers: { baggage: '%%%;=,,=;;%ZZ' }, continues: false },
    {
      name: 'a junk tracestate beside a valid traceparent',
      headers: { traceparent: `00-${callerTrace.traceId}-${callerTrace.spanId}-01`, tracestate: '!!!,,,=' },
      continues: true,
    },
  ])('when the caller sends $name, then the request is served all the same', async ({ headers, continues }) => {
    const response = await fetch(`${stack.entry}/api/v1/kennels/2`, { headers });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(KENNEL_2);
    const traceId = traceIdOf(response.headers.get('traceresponse'));
    const trace = await waitForTrace(stack.viewer!, traceId, (t) => spansOf(t, { service: 'kennels', kind: 'SERVER' }).length === 1);
    const [server] = spansOf(trace, { service: 'kennels', kind: 'SERVER' });
    // A valid traceparent is continued whatever comes with it; an invalid one starts a fresh trace.
    if (continues) {
      expect(traceId).toBe(callerTrace.traceId);
      expect(server!.parentSpanId).toBe(callerTrace.spanId);
    } else {
      expect(server!.parentSpanId).toBeNull();
    }
  });

  test('when nginx answers, then it does not tell its version', async () => {
    const response = await fetch(`${stack.entry}/api/v1/nothing-here`);

    expect(response.status).toBe(404);
    expect(response.headers.get('server')).toBe('nginx');
    expect(await response.json()).toEqual({ error: 'not found' });
  });
});
