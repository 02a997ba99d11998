import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { ReceivedLogRecord } from '../src/log-receiver';
import { eventually, getJson, requestKennel, stackAddresses } from './support';

const addresses = stackAddresses();

/** The records the log receiver (in Loki's place) holds whose attributes mention `marker`. */
async function recordsMentioning(marker: string): Promise<ReceivedLogRecord[]> {
  const records = await getJson<ReceivedLogRecord[]>(`${addresses.logs}/records`);
  return records.filter((record) => JSON.stringify(record.attributes).includes(marker));
}

describe("logs, through the collector to Loki's address (the log receiver here)", () => {
  test("when kennel 2 is requested, then each service's log records of that request carry the request's trace id", async () => {
    // pino-http logs the request's headers, and the baggage travels to every service: a marker
    // that finds this request's records without trusting the trace id under test.
    const learner = `logs${randomBytes(6).toString('hex')}`;
    const answer = await requestKennel(addresses.gateway, { baggage: `dogbook.learner=${learner}` });
    expect(answer.status).toBe(200);
    const records = await eventually(async () => {
      const found = await recordsMentioning(learner);
      expect(new Set(found.map((r) => r.serviceName))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
      return found;
    });
    for (const record of records) {
      expect(record.traceId, `${record.serviceName}: ${record.body}`).toBe(answer.traceId);
      expect(record.spanId, `${record.serviceName}: ${record.body}`).toMatch(/^[0-9a-f]{16}$/);
    }
    // kennels' own request line (pino-http's "request completed") is among them.
    expect(records.some((r) => r.serviceName === 'kennels' && r.body === 'request completed')).toBe(true);
  });

  test("when two requests run at once, then neither's records carry the other's trace id", async () => {
    const learners = [`logs${randomBytes(6).toString('hex')}`, `logs${randomBytes(6).toString('hex')}`];
    const answers = await Promise.all(
      learners.map((learner) => requestKennel(addresses.gateway, { baggage: `dogbook.learner=${learner}` })),
    );
    expect(answers[0]!.traceId).not.toBe(answers[1]!.traceId);
    for (const [i, learner] of learners.entries()) {
      const records = await eventually(async () => {
        const found = await recordsMentioning(learner);
        expect(new Set(found.map((r) => r.serviceName))).toEqual(new Set(['kennels', 'inventory', 'dogs']));
        return found;
      });
      expect(new Set(records.map((r) => r.traceId))).toEqual(new Set([answers[i]!.traceId]));
    }
  });
});
