import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trace } from '../src/trace';
import { startTraceViewer, type TraceViewer } from '../src/viewer';

/** One span of `service`, as the OpenTelemetry JS exporter sends it in OTLP/JSON. */
function exportOf(traceId: string, fields: { service?: string; name?: string; learner?: string; error?: string } = {}) {
  const attributes = fields.learner === undefined ? [] : [{ key: 'dogbook.learner', value: { stringValue: fields.learner } }];
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: fields.service ?? 'kennels' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: '051581bf3cb55c13',
                name: fields.name ?? 'GET /api/v1/kennels/:id',
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000212000000',
                attributes,
                status: fields.error === undefined ? { code: 0 } : { code: 2, message: fields.error },
              },
            ],
          },
        ],
      },
    ],
  };
}

const idOf = (learner: string, n: number) =>
  `${Buffer.from(learner).toString('hex').slice(0, 16).padEnd(16, '0')}${n.toString(16).padStart(16, '0')}`;

describe('the trace viewer in a room of learners', () => {
  let viewer: TraceViewer | undefined;
  afterEach(async () => {
    await viewer?.close();
  });

  const post = (body: unknown) =>
    fetch(`${viewer!.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const tracesOf = async (learner: string) => (await (await fetch(`${viewer!.url}/api/traces?learner=${learner}`)).json()) as Trace[];

  it.each([
    ['one learner', 'burster'],
    ['pnpm load (learner "load")', 'load'],
    ['requests without a learner name', undefined],
  ])(
    "when %s sends a burst while another learner's traces are checked, then every check sees them all, and every trace taken was printed first",
    async (_who, sender) => {
      const printed = new Set<string>();
      // Room for about forty of these traces: the burst is ten times that.
      viewer = await startTraceViewer({ port: 0, quietMs: 50, maxBytes: 40 * 1000, print: (_text, trace) => printed.add(trace.traceId) });
      const alice = [1, 2, 3].map((n) => idOf('alice', n));
      for (const traceId of alice) expect((await post(exportOf(traceId, { learner: 'alice' }))).status).toBe(200);
      await vi_waitFor(async () => (await tracesOf('alice')).every((trace) => trace.finished));

      const accepted: string[] = [];
      let refused = 0;
      let burstOver = false;
      const burst = (async () => {
        for (let n = 0; n < 400; n += 8) {
          const batch = Array.from({ length: 8 }, (_, k) => idOf(sender ?? 'nobody', n + k));
          const answers = await Promise.all(
            batch.map((traceId) => post(exportOf(traceId, sender === undefined ? {} : { learner: sender }))),
          );
          answers.forEach((answer, k) => {
            if (answer.status === 200) accepted.push(batch[k]!);
            else refused += 1;
          });
          for (const answer of answers) if (answer.status !== 200) expect(answer.status).toBe(503);
        }
        burstOver = true;
      })();
      const checks: string[][] = [];
      while (!burstOver) {
        checks.push((await tracesOf('alice')).map((trace) => trace.traceId));
        await sleep(5);
      }
      await burst;

      expect(checks.length).toBeGreaterThan(0);
      for (const seen of checks) expect(seen.sort()).toEqual([...alice].sort());
      // Every trace the viewer took was printed before it could be forgotten: wait for the last ones.
      await vi_waitFor(async () => accepted.every((traceId) => printed.has(traceId)));
      expect(accepted.length).toBeGreaterThan(40);
      // The sender's newest printed trace is still there, by id.
      const newest = accepted.at(-1)!;
      expect((await fetch(`${viewer.url}/api/traces/${newest}`)).status).toBe(200);
      // The burst paid for itself: its own oldest trace made room.
      expect((await fetch(`${viewer.url}/api/traces/${accepted[0]}`)).status).toBe(404);
      expect(refused + accepted.length).toBe(400);
    },
    60_000,
  );

  it('when span fields hold control characters, then the printed waterfall holds none, and no line is forged', async () => {
    const printed: string[] = [];
    viewer = await startTraceViewer({ port: 0, quietMs: 50, print: (text) => printed.push(text) });

    await post(
      exportOf('ab'.repeat(16), {
        service: 'ken\u001b[2Jnels',
        name: 'GET\r\ntrace ffffffffffffffffffffffffffffffff  forged line',
        learner: 'al\u001b]0;pwned\u0007ice\u202e',
        error: 'boom\u001b[31m\u009b2J',
      }),
    );
    await vi_waitFor(async () => printed.length === 1);

    const text = printed[0]!;
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('ken[2Jnels: GETtrace ffffffffffffffffffffffffffffffff  forged line');
    expect(lines[0]).toContain('learner al]0;pwnedice');
    expect(lines[1]).toContain('✗ boom[31m2J');
  });
});

/** Polls `condition` until it holds, or fails after a generous deadline. */
async function vi_waitFor(condition: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true before the deadline');
    await sleep(25);
  }
}
