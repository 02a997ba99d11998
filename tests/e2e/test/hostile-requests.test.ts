import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SERVICE_NAMES } from '@dogbook/service-kit/services';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { httpRequest, rawRequest } from '../src/raw-http';
import { startStack, type Stack } from '../src/stack';

interface HostileRequest {
  name: string;
  /** The bytes sent, as they are: no client library in between to tidy them up. */
  request: string;
  status: number;
}

const get = (target: string, headers: [string, string][] = []) => httpRequest('GET', target, headers);
const raw = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const long = (length: number, char = 'a') => char.repeat(length);
const VALID_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Who answers is in the comment: the service (with a trace id) or nginx itself. */
const HOSTILE_REQUESTS: HostileRequest[] = [
  // Malformed ids, in the path: the services' id validation.
  { name: 'a word for an id', request: get('/api/v1/kennels/abc'), status: 400 },
  { name: 'a negative id', request: get('/api/v1/kennels/-1'), status: 400 },
  { name: 'a fractional id', request: get('/api/v1/kennels/1.5'), status: 400 },
  { name: 'an id in exponent notation', request: get('/api/v1/kennels/1e3'), status: 400 },
  { name: 'a hexadecimal id', request: get('/api/v1/kennels/0x10'), status: 400 },
  { name: 'an id past nine digits', request: get('/api/v1/dogs/9999999999'), status: 400 },
  { name: 'an id with a plus sign', request: get('/api/v1/dogs/+3'), status: 400 },
  { name: 'an encoded space for an id', request: get('/api/v1/dogs/%20'), status: 400 },
  { name: 'a non-ASCII digit (Arabic-Indic three)', request: get('/api/v1/dogs/%D9%A3'), status: 400 },
  { name: 'an overlong UTF-8 encoding', request: get('/api/v1/inventory/%C0%AF'), status: 400 },
  { name: 'a matrix parameter after the id', request: get('/api/v1/inventory/1;2'), status: 400 },
  { name: 'double-encoded dots for an id', request: get('/api/v1/kennels/%252e%252e'), status: 400 },
  { name: 'an id that does not exist', request: get('/api/v1/kennels/99'), status: 404 },
  { name: 'a path below an id', request: get('/api/v1/dogs/1/owner'), status: 404 },
  // nginx refuses these while reading the request line.
  { name: 'an encoded NUL byte', request: get('/api/v1/dogs/%00'), status: 400 },
  { name: 'a broken percent-escape', request: get('/api/v1/dogs/%zz'), status: 400 },
  // Malformed and repeated query parameters.
  { name: 'a word for the id parameter', request: get('/api/v1/kennels?id=abc'), status: 400 },
  { name: 'an empty id parameter', request: get('/api/v1/kennels?id='), status: 400 },
  { name: 'a repeated id parameter', request: get('/api/v1/dogs?id=1&id=2'), status: 400 },
  { name: 'a repeated kennelId parameter', request: get('/api/v1/inventory?kennelId=1&kennelId=1'), status: 400 },
  { name: 'an id parameter with a NUL byte', request: get('/api/v1/kennels?id=2%00'), status: 400 },
  { name: 'an id parameter behind a right-to-left override', request: get('/api/v1/dogs?id=%E2%80%AE1'), status: 400 },
  // Oversized: nginx's limits, before any service is involved.
  { name: 'a 5000-character query string', request: get(`/api/v1/kennels?id=2&q=${long(5000)}`), status: 414 },
  { name: 'a 5000-digit id', request: get(`/api/v1/dogs/${long(5000, '1')}`), status: 414 },
  { name: 'a 5000-byte header', request: get('/api/v1/kennels/2', [['X-Padding', long(5000)]]), status: 431 },
  {
    name: 'five 3000-byte headers',
    request: get(
      '/api/v1/kennels/2',
      [1, 2, 3, 4, 5].map((i) => [`X-Padding-${i}`, long(3000)] as [string, string]),
    ),
    status: 431,
  },
  { name: 'a 20 kB body', request: httpRequest('POST', '/api/v1/kennels/2', [], long(20_000)), status: 413 },
  // Traversal, encoded and not: nginx routes on the decoded path, so it refuses them all.
  { name: 'encoded slashes climbing out of dogs', request: get('/api/v1/dogs/..%2f..%2fkennels%2f2'), status: 400 },
  { name: 'encoded dots climbing to /etc/passwd', request: get('/api/v1/dogs/%2e%2e/%2e%2e/%2e%2e/etc/passwd'), status: 400 },
  { name: 'plain dot segments climbing to /etc/passwd', request: get('/api/v1/../../etc/passwd'), status: 400 },
  { name: 'encoded backslashes', request: get('/api/v1/dogs/..%5c..%5cwindows%5cwin.ini'), status: 400 },
  { name: 'a double slash', request: get('//api/v1/kennels/2'), status: 400 },
  { name: 'a single-dot segment', request: get('/api/v1/kennels/./2'), status: 400 },
  // Trace context headers: too big for nginx, or junk that the service ignores (the bad id decides).
  {
    name: 'a 5000-byte traceparent',
    request: get('/api/v1/kennels/2', [['traceparent', `00-${long(5000, '1')}-b7ad6b7169203331-01`]]),
    status: 431,
  },
  { name: 'a 5000-byte baggage', request: get('/api/v1/kennels/2', [['baggage', `k=${long(5000)}`]]), status: 431 },
  {
    name: 'a 5000-byte tracestate',
    request: get('/api/v1/kennels/2', [
      ['traceparent', VALID_TRACEPARENT],
      ['tracestate', `k=${long(5000)}`],
    ]),
    status: 431,
  },
  { name: 'a garbage traceparent and a bad id', request: get('/api/v1/kennels/x', [['traceparent', '00-zz-{}-"']]), status: 400 },
  { name: 'a malformed baggage and a bad id', request: get('/api/v1/kennels/x', [['baggage', '%%%;=,,=;;%ZZ']]), status: 400 },
  // DogBook's own baggage members, read by the first service: a 400 explaining the grammar.
  {
    name: 'a fault delay in exponent notation',
    request: get('/api/v1/kennels/2', [['baggage', 'dogbook.fault.dogs=delay:1e9']]),
    status: 400,
  },
  {
    name: 'a fault target climbing a path',
    request: get('/api/v1/kennels/2', [['baggage', 'dogbook.fault.dogs.../etc=error']]),
    status: 400,
  },
  {
    name: 'a percent-encoded newline in a fault',
    request: get('/api/v1/kennels/2', [['baggage', 'dogbook.fault.dogs=error%0A:200']]),
    status: 400,
  },
  { name: 'a fault asking for a 200', request: get('/api/v1/kennels/2', [['baggage', 'dogbook.fault.inventory=error:200']]), status: 400 },
  { name: 'a 3000-byte learner name', request: get('/api/v1/kennels/2', [['baggage', `dogbook.learner=${long(3000)}`]]), status: 400 },
  // Wrong methods: the services' 405, except for the ones nginx refuses itself.
  { name: 'POST', request: httpRequest('POST', '/api/v1/kennels/2', [], '{}'), status: 405 },
  { name: 'DELETE', request: httpRequest('DELETE', '/api/v1/dogs/3'), status: 405 },
  { name: 'PUT', request: httpRequest('PUT', '/api/v1/inventory', [], '[]'), status: 405 },
  { name: 'PATCH', request: httpRequest('PATCH', '/api/v1/kennels', [], '{}'), status: 405 },
  { name: 'OPTIONS', request: httpRequest('OPTIONS', '/api/v1/dogs'), status: 405 },
  { name: 'TRACE (nginx)', request: httpRequest('TRACE', '/api/v1/kennels'), status: 405 },
  { name: 'CONNECT (nginx)', request: raw('CONNECT 127.0.0.1:443 HTTP/1.1', 'Host: 127.0.0.1:443', 'Connection: close'), status: 400 },
  {
    name: 'a lower-case method (nginx)',
    request: raw('get /api/v1/kennels/2 HTTP/1.1', 'Host: localhost', 'Connection: close'),
    status: 400,
  },
  { name: 'a method Node.js cannot parse', request: httpRequest('BREW', '/api/v1/kennels/2'), status: 400 },
  // Broken HTTP framing: nginx's parser.
  { name: 'no Host header', request: raw('GET /api/v1/kennels/2 HTTP/1.1', 'Connection: close'), status: 400 },
  { name: 'two Host headers', request: raw('GET /api/v1/kennels/2 HTTP/1.1', 'Host: a', 'Host: b', 'Connection: close'), status: 400 },
  {
    name: 'both Content-Length and Transfer-Encoding (request smuggling)',
    request: raw(
      'POST /api/v1/kennels/2 HTTP/1.1',
      'Host: a',
      'Content-Length: 4',
      'Transfer-Encoding: chunked',
      'Connection: close',
      '',
      '0',
    ),
    status: 400,
  },
  {
    name: 'a folded header line',
    request: raw('GET /api/v1/kennels/2 HTTP/1.1', 'Host: a', 'X-A: b', '  c', 'Connection: close'),
    status: 400,
  },
  {
    name: 'a NUL byte in a header value',
    request: raw('GET /api/v1/kennels/2 HTTP/1.1', 'Host: a', 'X-A: b\0c', 'Connection: close'),
    status: 400,
  },
  // Unknown paths: nginx's JSON 404. The page at / is served, and nothing beside its built files.
  { name: 'a file beside the page', request: get('/package.json'), status: 404 },
  { name: 'a page asset that does not exist', request: get('/assets/nothing.js'), status: 404 },
  { name: 'a path below a page asset', request: get('/assets/main.js/x'), status: 404 },
  { name: 'an encoded climb out of the page folder', request: get('/assets/%2e%2e/package.json'), status: 400 },
  // The page's span route leads to the trace receiver, which refuses anything but OTLP.
  {
    name: 'a span export that is not OTLP',
    request: httpRequest('POST', '/v1/traces', [['content-type', 'text/plain']], 'spans'),
    status: 415,
  },
  {
    name: 'a span export that is not JSON',
    request: httpRequest('POST', '/v1/traces', [['content-type', 'application/json']], '{"resourceSpans":'),
    status: 400,
  },
  { name: '/api', request: get('/api'), status: 404 },
  { name: '/api/v1', request: get('/api/v1'), status: 404 },
  { name: 'an unknown resource', request: get('/api/v1/cats'), status: 404 },
  { name: 'a resource name with a suffix', request: get('/api/v1/kennelsX'), status: 404 },
  { name: 'an unknown API version', request: get('/api/v2/kennels'), status: 404 },
  { name: "the gateway's internal error page", request: get('/gateway-error'), status: 404 },
  { name: 'a PHP probe', request: get('/wp-login.php'), status: 404 },
  { name: 'a dotfile probe', request: get('/.env'), status: 400 },
];

describe.skipIf(!nginxIsAvailable('the hostile-request tests (hostile-requests.test.ts) are skipped'))(
  'hostile requests through the gateway',
  () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ gateway: true });
    });
    afterAll(async () => {
      await stack?.close();
    });

    test.each(HOSTILE_REQUESTS)('when it gets $name, then it answers $status with a JSON error', async ({ request, status }) => {
      const response = await rawRequest(stack.entry, request);

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body)).toEqual(expect.objectContaining({ error: expect.any(String) }));
    });

    test('after all of them, every service is still healthy and a normal request still works', async () => {
      for (const name of SERVICE_NAMES) {
        expect(stack.service(name).running(), `${name} is running`).toBe(true);
        expect((await fetch(`${stack.service(name).url}/healthz`)).status).toBe(200);
      }
      const response = await fetch(`${stack.entry}/api/v1/kennels/2`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: 2, dogs: [{ name: 'Möhre' }, { name: 'Jack' }, { name: 'Charlie' }] });
    });
  },
);
