import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long: generous by default, for a busy machine. */
  timeoutMs?: number;
  /** How long to pause between two attempts. */
  intervalMs?: number;
  /** Whether the process waited for still runs: once it has gone, waiting stops at once. */
  running?: () => boolean;
  /** What to add to the error, such as the process's output so far. */
  details?: () => string;
}

/**
 * Asks `probe` again and again until it gives a value (anything but undefined or false) and
 * resolves to that value. Throws, naming `what`, when the deadline passes or the process being
 * waited for has exited. An error thrown by `probe` ends the wait with that error.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 100, running, details }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const detailed = (message: string) => (details ? `${message}:\n${details()}` : message);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (running && !running()) throw new Error(detailed(`gave up waiting for ${what}: the process exited`));
    if (Date.now() > deadline) throw new Error(detailed(`${what} did not happen within ${timeoutMs / 1000} s`));
    await sleep(intervalMs);
  }
}

/** Whether a GET of `url` answers 2xx, within `timeoutMs`. */
export async function answersOk(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Whether something at `host`:`port` accepts a TCP connection. */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
