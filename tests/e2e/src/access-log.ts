import { vi } from 'vitest';
import type { RunningNginx } from '@dogbook/nginx';

export type AccessLogEntry = Record<string, unknown>;

/** nginx writes a request's line once the response is sent, so a test may look a moment too early. */
export async function waitForAccessLogEntry(
  gateway: RunningNginx,
  matches: (entry: AccessLogEntry) => boolean,
  timeoutMs = 2_000,
): Promise<AccessLogEntry> {
  return vi.waitFor(
    () => {
      const entry = gateway
        .accessLog()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessLogEntry)
        .find(matches);
      if (!entry) throw new Error(`no matching access log line; the log holds:\n${gateway.accessLog()}`);
      return entry;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}
