import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds, from wrk's --latency distribution. */
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx/3xx, and socket errors (connect, read, write, timeout). */
  failures: number;
}

/** The wrk binary on PATH, or undefined. */
export function findWrk(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, 'wrk'), constants.X_OK);
      return join(dir, 'wrk');
    } catch {
      // not here
    }
  }
  return undefined;
}

export const WRK_MISSING = 'wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk)';

/** "1.23ms" / "850.00us" / "2.01s" -> milliseconds. */
function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!match) throw new Error(`unreadable wrk latency: ${value}`);
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  return Number(match[1]) * scale;
}

/**
 * Runs wrk (closed model: `connections` requests always in flight) against `url` for `seconds`.
 * wrk is a small C program: on a two-core machine it takes far less CPU from the services than a
 * load generator written in JavaScript would.
 */
export function runWrk(
  url: string,
  { seconds, connections = 8, threads = 2 }: { seconds: number; connections?: number; threads?: number },
): Promise<WrkResult> {
  const wrk = findWrk();
  if (!wrk) return Promise.reject(new Error(WRK_MISSING));
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', url];
  return new Promise((resolve, reject) => {
    execFile(wrk, args, { encoding: 'utf8' }, (error, out) => {
      if (error) return reject(error);
      const number = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
      const percentile = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        requests: number(/(\d+) requests in/),
        requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
        p50Ms: percentile('50'),
        p99Ms: percentile('99'),
        failures:
          (number(/Non-2xx or 3xx responses: (\d+)/) || 0) +
          (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
      });
    });
  });
}
