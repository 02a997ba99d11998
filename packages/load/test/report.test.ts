import { describe, expect, test } from 'vitest';
import { FAULT_KINDS, HEALTHY_KINDS } from '../src/mix';
import { formatProgress, formatSummary, readSummary } from '../src/report';
import { Tally } from '../src/tally';

function tallyOf(outcomes: Array<[string, number?]>, sent = outcomes.length): Tally {
  const tally = new Tally();
  for (let i = 0; i < sent; i++) tally.recordSent(i % 2 ? 'dog' : 'failing inventory');
  for (const [outcome, ms] of outcomes) tally.recordOutcome(outcome, ms);
  return tally;
}

describe('the progress line and the summary', () => {
  test('when the 5 s timer fires a hair early, then the line still says 0:05, with the rate, answers by status and percentiles', () => {
    const window = tallyOf([
      ['502', 30],
      ['200', 100],
      ['404', 10],
      ['200', 110],
    ]);

    expect(formatProgress(window, 4.9996, 4.9996, 'http://localhost:8080')).toBe(
      ' 0:05  sent 4 (0.8/s)  answers 200×2 404×1 502×1  p50 30 ms  p95 110 ms',
    );
  });

  test('when nothing but connection errors came back, then the line says where nothing answers', () => {
    const line = formatProgress(tallyOf([['ECONNREFUSED'], ['ECONNREFUSED']]), 65, 5, 'http://localhost:8080');

    expect(line).toBe(
      ' 1:05  sent 2 (0.4/s)  answers ECONNREFUSED×2  p50 -  p95 -  (no answer from http://localhost:8080: is DogBook running?)',
    );
  });

  test('when the run ends with requests still open, then the summary counts them apart from the answers', () => {
    const summary = formatSummary(tallyOf([['200', 100], ['timeout']], 3), 2, 1.5, 'done');

    expect(summary).toContain('dogbook-load: done after 2.0 s\n  sent      3 requests, 1.50 per second (LOAD_RPS 1.5)\n');
    expect(summary).toContain('\n  answers   200×1 timeout×1, 1 unanswered when it stopped\n');
    expect(summary).toContain('\n  mix       kennel 0, dog 1, ');
    expect(summary).toContain('\n  faults    slow dog 0, slow dog in a kennel 0, failing dog 0, failing inventory 2');
  });

  test('when the summary is read back from the output around it, then its counts are the ones formatSummary wrote', () => {
    const output = ` 0:05  sent 3 (0.6/s)  answers 200×2\n${formatSummary(
      tallyOf(
        [
          ['200', 100],
          ['502', 30],
        ],
        3,
      ),
      2,
      1.5,
      'done',
    )}\n`;

    // tallyOf sent 'failing inventory', 'dog', 'failing inventory'.
    const sentOf = (kinds: typeof HEALTHY_KINDS, name: string, count: number) =>
      Object.fromEntries(kinds.map((kind) => [kind.name, kind.name === name ? count : 0]));
    expect(readSummary(output)).toEqual({
      sent: 3,
      mix: sentOf(HEALTHY_KINDS, 'dog', 1),
      faults: sentOf(FAULT_KINDS, 'failing inventory', 2),
    });
  });

  test('when the output has no summary, then reading it says so and shows what there was', () => {
    expect(() => readSummary(' 0:05  sent 3 (0.6/s)  answers 200×2\n')).toThrow(/no "sent" line in the summary of:\n 0:05 {2}sent 3/);
  });
});
