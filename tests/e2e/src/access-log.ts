import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningNginx } from '@dogbook/nginx';

export type AccessLogEntry = Record<string, unknown>;

/** nginx writes a request's line once the response is sent, so a test may look a moment too early. */
export async function waitForAccessLogEntry(
  gateway: RunningNginx,
  matches: (entry: AccessLogEntry) => boolean,
  timeoutMs = 2_000,
): Promise<AccessLogEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = gateway
      .accessLog()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AccessLogEntry);
    const entry = entries.find(matches);
    if (entry) return entry;
    if (Date.now() > deadline) throw new Error(`no matching access log line; the log holds:\n${gateway.accessLog()}`);
    await sleep(25);
  }
}
