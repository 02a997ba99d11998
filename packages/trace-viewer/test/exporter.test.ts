import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { answersOk, freePort, own, waitUntil, type OwnedChild } from '@dogbook/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../src/trace';
import { startTraceViewer, type TraceViewer } from '../src/viewer';

/*
 * The real thing: the built dogs service, preloaded with @dogbook/tracing like in `pnpm dev`,
 * exports its spans with the OpenTelemetry OTLP/HTTP protobuf exporter (the protocol of `pnpm dev`
 * and of production) to a viewer in this process.
 * (turbo runs @dogbook/dogs#build before this package's tests; see this package's turbo.json.)
 */
const DOGS_DIR = join(__dirname, '..', '..', '..', 'services', 'dogs');

/** `00-<trace id>-<span id>-01` -> its parts. */
function parseTraceResponse(header: string | null): { traceId: string; spanId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header ?? '');
  if (!match) throw new Error(`no valid traceresponse header: ${header}`);
  return { traceId: match[1]!, spanId: match[2]! };
}

describe('the viewer fed by a real service', () => {
  let viewer: TraceViewer;
  let dogs: OwnedChild | undefined;
  let dogsUrl: string;
  const printed: string[] = [];
  let dogsOutput = '';

  const finishedTrace = (traceId: string) =>
    waitUntil(`trace ${traceId} to finish in the viewer`, () => {
      const trace = viewer.trace(traceId);
      return trace?.finished ? trace : undefined;
    });

  beforeAll(async () => {
    if (!existsSync(join(DOGS_DIR, 'dist', 'server.js'))) {
      throw new Error('services/dogs is not built: run `pnpm build` first');
    }
    viewer = await startTraceViewer({ port: 0, quietMs: 300, print: (waterfall) => printed.push(waterfall) });
    const port = await freePort();
    dogsUrl = `http://127.0.0.1:${port}`;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      SIMULATED_LATENCY_MS: '0',
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: viewer.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'dogs',
    };
    for (const name of ['OTEL_RESOURCE_ATTRIBUTES', 'OTEL_TRACES_EXPORTER', 'OTEL_SDK_DISABLED']) {
      delete env[name];
    }
    const child = spawn(process.execPath, ['--require', '@dogbook/tracing/register', 'dist/server.js'], {
      cwd: DOGS_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (dogsOutput += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (dogsOutput += chunk.toString()));
    dogs = own(child);

    await waitUntil('the dogs service to be ready', () => answersOk(`${dogsUrl}/readyz`), {
      running: dogs.running,
      details: () => dogsOutput,
    });
  }, 20_000);

  afterAll(async () => {
    await dogs?.stop('SIGTERM', 5_000);
    await viewer?.close();
  });

  it('when the service answers a request, then the trace named by its traceresponse header arrives with every span', async () => {
    const response = await fetch(`${dogsUrl}/api/v1/dogs/3`);
    expect(await response.json()).toEqual({ id: 3, name: 'Möhre' });
    const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));

    const trace: Trace = await finishedTrace(traceId);

    const byName = new Map(trace.spans.map((span) => [span.name, span]));
    const server = byName.get('GET /api/v1/dogs/:id');
    const findDog = byName.get('dogs.find_dog');
    expect(server).toMatchObject({ spanId, parentSpanId: null, kind: 'SERVER', serviceName: 'dogs' });
    expect(server?.attributes).toMatchObject({ 'http.route': '/api/v1/dogs/:id', 'http.response.status_code': 200 });
    expect(trace.spans).toHaveLength(2);
    expect(findDog).toMatchObject({
      parentSpanId: spanId,
      kind: 'INTERNAL',
      attributes: { 'dogbook.dog.id': 3, 'dogbook.dog.found': true },
      status: { code: 'UNSET' },
    });
    expect(trace).toMatchObject({ rootServiceName: 'dogs', rootSpanName: 'GET /api/v1/dogs/:id', errorCount: 0 });
    expect(BigInt(findDog!.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(server!.startTimeUnixNano));
  });

  it('when a trace is finished, then GET /api/traces lists it first and its waterfall was printed under its id', async () => {
    const response = await fetch(`${dogsUrl}/api/v1/dogs/4`);
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));
    await finishedTrace(traceId);

    const listed = (await (await fetch(`${viewer.url}/api/traces`)).json()) as Trace[];

    expect(listed[0]?.traceId).toBe(traceId);
    const waterfall = printed.find((text) => text.startsWith(`trace ${traceId}`));
    expect(waterfall?.split('\n')[0]).toMatch(/ 2 spans$/);
    expect(waterfall?.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^dogs {2}GET \/api\/v1\/dogs\/:id +[\d.]+ ms {2}\|█+ *\|$/),
      expect.stringMatching(/^dogs {4}dogs\.find_dog +[\d.]+ ms {2}\| *█+ *\|$/),
    ]);
  });

  it('when a request carries a dogbook.learner baggage member, then ?learner= finds its trace and the header names the learner', async () => {
    const response = await fetch(`${dogsUrl}/api/v1/dogs/5`, { headers: { baggage: 'dogbook.learner=viewer-test' } });
    expect(response.status).toBe(200);
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));
    const untagged = parseTraceResponse((await fetch(`${dogsUrl}/api/v1/dogs/5`)).headers.get('traceresponse')).traceId;
    await finishedTrace(traceId);
    await finishedTrace(untagged);

    const listed = (await (await fetch(`${viewer.url}/api/traces?learner=viewer-test`)).json()) as Trace[];

    expect(listed.map((trace) => trace.traceId)).toEqual([traceId]);
    expect(listed[0]!.spans.every((span) => span.attributes['dogbook.learner'] === 'viewer-test')).toBe(true);
    const waterfall = printed.find((text) => text.startsWith(`trace ${traceId}`));
    expect(waterfall?.split('\n')[0]).toMatch(/ 2 spans {2}learner viewer-test$/);
  });

  it('when the request fails, then the failing span is marked as an error in the trace and the waterfall', async () => {
    const response = await fetch(`${dogsUrl}/api/v1/dogs/3`, { headers: { baggage: 'dogbook.fault.dogs=error' } });
    expect(response.status).toBe(500);
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));

    const trace = await finishedTrace(traceId);

    const failed = trace.spans.filter((span) => span.status.code === 'ERROR');
    expect(failed.map((span) => span.name).sort()).toEqual(['GET /api/v1/dogs/:id', 'dogs.find_dog']);
    expect(failed.map((span) => span.status.message)).toContain('injected fault: dogbook.fault.dogs=error');
    const waterfall = printed.find((text) => text.startsWith(`trace ${traceId}`));
    expect(waterfall).toContain('✗ injected fault: dogbook.fault.dogs=error');
  });
});
