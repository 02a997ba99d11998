import { describe, expect, test } from 'vitest';
import { eventually, fetchTrace, requestKennel, stackAddresses } from './support';

const addresses = stackAddresses();

describe("traces, through the collector to Tempo's address (the trace viewer here)", () => {
  test('when kennel 2 is requested, then the trace of its traceresponse id arrives whole: every service, every parent', async () => {
    const answer = await requestKennel(addresses.gateway);
    expect(answer.status).toBe(200);
    // The viewer answers as soon as spans arrive; the trace is whole once dogs' look-ups are in.
    const trace = await eventually(async () => {
      const found = await fetchTrace(addresses, answer.traceId);
      expect(new Set(found?.spans.map((s) => s.serviceName))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
      expect(found?.spans.map((s) => s.name)).toContain('dogs.find_dog');
      return found!;
    });
    const ids = new Set(trace.spans.map((s) => s.spanId));
    expect(ids).toContain(answer.spanId);
    // One root, kennels' server span; every other span's parent is in the trace.
    const roots = trace.spans.filter((s) => s.parentSpanId === null);
    expect(roots.map((s) => [s.serviceName, s.kind])).toEqual([['kennels', 'SERVER']]);
    for (const span of trace.spans.filter((s) => s.parentSpanId !== null)) expect(ids, span.name).toContain(span.parentSpanId);
    // inventory and dogs each have a server span whose parent is a kennels client span.
    for (const service of ['inventory', 'dogs']) {
      const server = trace.spans.find((s) => s.serviceName === service && s.kind === 'SERVER')!;
      const parent = trace.spans.find((s) => s.spanId === server.parentSpanId)!;
      expect([parent.serviceName, parent.kind], service).toEqual(['kennels', 'CLIENT']);
    }
  });

  test('when a trace id was never requested, then the viewer holds no trace under it', async () => {
    const answer = await requestKennel(addresses.gateway);
    await eventually(async () => expect(await fetchTrace(addresses, answer.traceId)).toBeDefined());
    const other = answer.traceId.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await fetchTrace(addresses, other)).toBeUndefined();
  });
});
