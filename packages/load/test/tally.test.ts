import { describe, expect, test } from 'vitest';
import { Tally } from '../src/tally';

describe('the tally', () => {
  test('when 100 responses took 1 to 100 ms, then p50 is 50 ms, p95 95 ms and max 100 ms', () => {
    const tally = new Tally();
    for (const ms of [...Array(100).keys()].map((i) => 100 - i)) tally.recordOutcome('200', ms);

    expect([tally.percentile(50), tally.percentile(95), tally.max()]).toEqual([50, 95, 100]);
  });

  test('when one answer in twenty is slow, then p95 is still a fast one and max the slow one', () => {
    const tally = new Tally();
    for (let i = 0; i < 19; i++) tally.recordOutcome('200', 120.4);
    tally.recordOutcome('200', 3012.6);

    expect([tally.percentile(50), tally.percentile(95), tally.max()]).toEqual([120, 120, 3013]);
  });

  test('when requests fail without a response, then they count as outcomes but not as latencies', () => {
    const tally = new Tally();
    tally.recordSent('kennel');
    tally.recordSent('kennel');
    tally.recordSent('dog');
    tally.recordOutcome('ECONNREFUSED');
    tally.recordOutcome('timeout');

    expect(tally.sent).toBe(3);
    expect(tally.settled).toBe(2);
    expect(Object.fromEntries(tally.sentByKind)).toEqual({ kennel: 2, dog: 1 });
    expect(Object.fromEntries(tally.outcomes)).toEqual({ ECONNREFUSED: 1, timeout: 1 });
    expect(tally.percentile(50)).toBeUndefined();
    expect(tally.max()).toBeUndefined();
  });
});
