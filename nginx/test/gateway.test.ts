import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '@dogbook/processes';
import { findEnvsubst, missingTools, renderTemplate, startNginx, TEMPLATE_PATH, WEB_ROOT, type RunningNginx } from '../src';

// CI installs nginx and envsubst (.ci/run): missing there, they fail the run; elsewhere the tests
// that need them are skipped, saying so.
const missing = missingTools();
if (missing.length > 0) {
  const message = `this machine lacks ${missing.join(' and ')}`;
  if (process.env.CI) throw new Error(`${message}, and CI needs them`);
  console.warn(`nginx tests skipped: ${message}`);
}

const UPSTREAMS = { kennels: 'kennels:8080', inventory: 'inventory:8080', dogs: 'dogs:8080', traces: 'otel-collector:4318' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe.skipIf(!findEnvsubst())('the template', () => {
  test('when rendered, then only the six DogBook variables are replaced and nginx variables survive', () => {
    const config = renderTemplate({ port: 8080, host: '0.0.0.0', upstreams: UPSTREAMS });

    expect(config).toContain('listen 0.0.0.0:8080;');
    expect(config).toContain('server kennels:8080;');
    expect(config).toContain('server inventory:8080;');
    expect(config).toContain('server dogs:8080;');
    expect(config).toContain('server otel-collector:4318;');
    expect(config).toContain(`root ${JSON.stringify(WEB_ROOT)};`);
    expect(config).not.toMatch(/\$\{?[A-Z_]+\}?/);
    expect(config).toContain('$upstream_http_traceresponse');
    expect(config).toContain('$http_traceparent');
  });

  test('when rendered the way the official nginx image does it, with every variable of its environment, then the result is the same', () => {
    // The image's 20-envsubst-on-templates.sh hands envsubst every defined variable, not a list.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/root',
      HOSTNAME: 'a1b2c3',
      NGINX_VERSION: '1.30.4',
      PKG_RELEASE: '1',
      NJS_VERSION: '0.9.4',
      NGINX_PORT: '0.0.0.0:8080',
      KENNELS_UPSTREAM: UPSTREAMS.kennels,
      INVENTORY_UPSTREAM: UPSTREAMS.inventory,
      DOGS_UPSTREAM: UPSTREAMS.dogs,
      TRACES_UPSTREAM: UPSTREAMS.traces,
      WEB_ROOT,
    };
    const definedEnvs = Object.keys(env)
      .map((name) => `\${${name}}`)
      .join(' ');
    const result = spawnSync('envsubst', [definedEnvs], { input: readFileSync(TEMPLATE_PATH, 'utf8'), env, encoding: 'utf8' });

    expect(result.stdout).toBe(renderTemplate({ port: 8080, host: '0.0.0.0', upstreams: UPSTREAMS }));
  });
});

/** Stands in for all three services: answers with the headers it received, and a traceresponse. */
function startEchoService(): Promise<{ server: Server; port: number; received: IncomingHttpHeaders[] }> {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    res.setHeader('traceresponse', `00-${TRACE_ID}-00f067aa0ba902b7-01`);
    if (req.url === '/api/v1/dogs/503') {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"the service\'s own error"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received }));
  });
}

describe.skipIf(missing.length > 0)('the gateway, in front of a stand-in service', () => {
  let echo: Awaited<ReturnType<typeof startEchoService>>;
  let gateway: RunningNginx;
  beforeAll(async () => {
    echo = await startEchoService();
    const deadPort = await freePort();
    gateway = await startNginx({
      port: await freePort(),
      upstreams: {
        kennels: `127.0.0.1:${echo.port}`,
        inventory: `127.0.0.1:${deadPort}`,
        dogs: `127.0.0.1:${echo.port}`,
        traces: `127.0.0.1:${echo.port}`,
      },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    echo?.server.close();
  });

  test('when a request carries trace headers, then the service gets them untouched and the caller gets traceresponse back', async () => {
    const sent = {
      traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
      tracestate: 'dogbook=1,other=x',
      baggage: 'user=floor,kennel=2',
    };

    const response = await fetch(`${gateway.url}/api/v1/kennels/2?id=2`, { headers: sent });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: '/api/v1/kennels/2?id=2' });
    expect(response.headers.get('traceresponse')).toBe(`00-${TRACE_ID}-00f067aa0ba902b7-01`);
    expect(echo.received.at(-1)).toMatchObject(sent);
  });

  test('when a service answers, then the access log line carries the trace id of its traceresponse', async () => {
    await fetch(`${gateway.url}/api/v1/dogs/1`);

    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 40 && !line; i++, await sleep(25)) {
      line = gateway
        .accessLog()
        .split('\n')
        .filter(Boolean)
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.request === 'GET /api/v1/dogs/1 HTTP/1.1');
    }
    expect(line).toMatchObject({ trace_id: TRACE_ID, status: 200, upstream_status: '200' });
  });

  test('when a service answers with an error, then its own JSON passes through unchanged', async () => {
    const response = await fetch(`${gateway.url}/api/v1/dogs/503`);

    expect(response.status).toBe(503);
    expect(await response.text()).toBe('{"error":"the service\'s own error"}');
  });

  test('when a service is down, then nginx answers a JSON 502', async () => {
    const response = await fetch(`${gateway.url}/api/v1/inventory/2`);

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: 'the service behind this path is not answering' });
  });

  test('when a path is unknown, then nginx answers a JSON 404 without its version', async () => {
    const response = await fetch(`${gateway.url}/index.php`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('server')).toBe('nginx');
    expect(await response.json()).toEqual({ error: 'not found' });
  });

  test('when a browser asks for /, then the DogBook page comes, under a policy that keeps its script on this origin', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/assets/main.js', 'text/javascript'],
      ['/assets/style.css', 'text/css'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.get('content-security-policy'), path).toBe("default-src 'self'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    expect(await (await fetch(`${gateway.url}/`)).text()).toBe(readFileSync(`${WEB_ROOT}/index.html`, 'utf8'));
  });

  test('when a file beside the page is asked for, then nginx answers a JSON 404: it serves the built page only', async () => {
    for (const path of ['/assets/missing.js', '/assets/', '/package.json', '/assets/main.js/x']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toEqual({ error: 'not found' });
    }
  });

  test('when the page sends its spans, then POST /v1/traces reaches the traces upstream; a body over the bound is a JSON 413', async () => {
    const body = JSON.stringify({ resourceSpans: [] });
    const response = await fetch(`${gateway.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: '/v1/traces' });
    expect(echo.received.at(-1)).toMatchObject({ 'content-type': 'application/json', 'content-length': String(body.length) });

    const tooLarge = await fetch(`${gateway.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ error: 'request body too large' });
  });
});
