import { spawnSync } from 'node:child_process';
import { waitUntil } from '@dogbook/processes';
import { type ComposeService, healthcheckCommand } from './compose';

/** What compose's healthcheck for a service asks, run from this machine. */
export type ReadyCheck = { url: string } | { command: string; args: string[] };

/**
 * The URL in a compose healthcheck (`wget --spider http://127.0.0.1:9090/-/ready`, or the services'
 * `node -e "fetch('http://127.0.0.1:8080/readyz')..."`), at the port the process listens on here.
 */
export function healthcheckUrl(svc: ComposeService, port: number): string {
  const test = healthcheckCommand(svc);
  const match = /https?:\/\/127\.0\.0\.1:\d+(\/[^\s'"]*)/.exec(test);
  if (!match) throw new Error(`no http://127.0.0.1 URL in the healthcheck ${JSON.stringify(test)}`);
  return `http://127.0.0.1:${port}${match[1]}`;
}

/** Whether the check passes now: a 2xx answer (what wget and the services' fetch check), or exit code 0. */
export async function passes(check: ReadyCheck): Promise<boolean> {
  if ('url' in check) {
    try {
      const response = await fetch(check.url, { signal: AbortSignal.timeout(3_000) });
      return response.ok;
    } catch {
      return false;
    }
  }
  return spawnSync(check.command, check.args, { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

/** Polls until the check passes; fails early when the process has exited, with its log's tail. */
export async function waitUntilReady(
  name: string,
  check: ReadyCheck,
  { timeoutMs, running, logTail }: { timeoutMs: number; running: () => boolean; logTail: () => string },
): Promise<void> {
  await waitUntil(`${name} to be ready`, () => passes(check), { timeoutMs, intervalMs: 250, running, details: logTail });
}
