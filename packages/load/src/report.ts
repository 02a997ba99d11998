import { FAULT_KINDS, HEALTHY_KINDS } from './mix';
import type { Tally } from './tally';

const ms = (value: number | undefined) => (value === undefined ? '-' : `${value} ms`);
/** 4.999 s is 0:05: a timer may fire a hair before the clock says its time has come. */
const clock = (seconds: number) => {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
};

/** `200×21 404×2 502×1 ECONNREFUSED×3`: status codes in order, then failures without a response. */
export function formatOutcomes(tally: Tally): string {
  const entries = [...tally.outcomes].sort(([a], [b]) => {
    const [na, nb] = [Number(a), Number(b)];
    if (Number.isNaN(na) !== Number.isNaN(nb)) return Number.isNaN(na) ? 1 : -1;
    return Number.isNaN(na) ? a.localeCompare(b) : na - nb;
  });
  return entries.length === 0 ? 'none yet' : entries.map(([outcome, count]) => `${outcome}×${count}`).join(' ');
}

/** Only failures without a response, such as ECONNREFUSED: nothing is listening at the address. */
function nothingAnswers(tally: Tally): boolean {
  return tally.outcomes.size > 0 && [...tally.outcomes.keys()].every((outcome) => Number.isNaN(Number(outcome)));
}

/** One line per progress interval, about that interval alone. */
export function formatProgress(window: Tally, elapsedS: number, windowS: number, url: string): string {
  const rate = (window.sent / windowS).toFixed(1);
  const line =
    `${clock(elapsedS).padStart(5)}  sent ${window.sent} (${rate}/s)  answers ${formatOutcomes(window)}` +
    `  p50 ${ms(window.percentile(50))}  p95 ${ms(window.percentile(95))}`;
  return nothingAnswers(window) ? `${line}  (no answer from ${url}: is DogBook running?)` : line;
}

const countsOf = (tally: Tally, kinds: typeof HEALTHY_KINDS) =>
  kinds.map((kind) => `${kind.name} ${tally.sentByKind.get(kind.name) ?? 0}`).join(', ');

/** The whole run. `sent` and `faults` are what the requests asked for; `answers` what came back. */
export function formatSummary(total: Tally, elapsedS: number, targetRps: number, ending: string): string {
  const open = total.sent - total.settled;
  return [
    `dogbook-load: ${ending} after ${elapsedS.toFixed(1)} s`,
    `  sent      ${total.sent} requests, ${(total.sent / elapsedS).toFixed(2)} per second (LOAD_RPS ${targetRps})`,
    `  answers   ${formatOutcomes(total)}${open > 0 ? `, ${open} unanswered when it stopped` : ''}`,
    `  latency   p50 ${ms(total.percentile(50))}, p95 ${ms(total.percentile(95))}, max ${ms(total.max())}`,
    `  mix       ${countsOf(total, HEALTHY_KINDS)}`,
    `  faults    ${countsOf(total, FAULT_KINDS)}`,
  ].join('\n');
}

/** The counts a summary states, read back from the command's output. */
export interface SummaryCounts {
  sent: number;
  /** Requests sent per row of the mix, and per kind of fault: `{ 'slow dog': 3, ... }`. */
  mix: Record<string, number>;
  faults: Record<string, number>;
}

/**
 * Reads formatSummary's counts back out of everything the command printed, for the tests that run
 * `pnpm load` and compare what it sent with what arrived. Beside formatSummary, so the two change
 * together; report.test.ts reads back what formatSummary wrote.
 */
export function readSummary(output: string): SummaryCounts {
  const row = (name: string, value: string) => {
    const match = new RegExp(`^ {2}${name} +${value}$`, 'm').exec(output);
    if (!match) throw new Error(`no "${name}" line in the summary of:\n${output}`);
    return match[1]!;
  };
  // `slow dog 3, failing inventory 3` -> { 'slow dog': 3, 'failing inventory': 3 }
  const counts = (name: string) =>
    Object.fromEntries(
      row(name, '(.+)')
        .split(', ')
        .map((entry) => entry.split(/ (?=\d+$)/))
        .map(([kind, count]) => [kind!, Number(count)]),
    );
  return { sent: Number(row('sent', '(\\d+) requests.*')), mix: counts('mix'), faults: counts('faults') };
}
