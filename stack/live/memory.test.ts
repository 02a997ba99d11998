import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processMemory } from '@dogbook/processes';
import { expect, test } from 'vitest';
import { loadCompose, memoryLimitOf, service } from '../src/compose';
import { stackAddresses, stackState } from './support';

const addresses = stackAddresses();
const { pids } = stackState();
const compose = loadCompose();

/** The load: `pnpm load` at 5 requests/s for two minutes, through nginx. */
const REQUESTS_PER_SECOND = 5;
const DURATION_S = 120;
const MiB = 1024 * 1024;

/** Runs the load generator the way `pnpm load` does, and resolves with its exit code and output. */
function runLoad(): Promise<{ code: number | null; output: string }> {
  const cli = join(dirname(require.resolve('@dogbook/load/package.json')), 'dist', 'cli.js');
  const child = spawn(process.execPath, ['--disable-warning=DEP0060', cli], {
    env: {
      PATH: process.env.PATH,
      DOGBOOK_URL: addresses.gateway,
      LOAD_RPS: String(REQUESTS_PER_SECOND),
      LOAD_DURATION_S: String(DURATION_S),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

test(
  `when pnpm load sends ${REQUESTS_PER_SECOND} requests/s for ${DURATION_S} s, then each backend stays within its compose memory limit`,
  async () => {
    const backends = ['otel-collector', 'loki', 'prometheus', 'tempo'].filter((name) => pids[name] !== undefined);
    const started = Date.now();
    const load = await runLoad();
    // Let the last batches reach the backends before reading their peaks.
    await sleep(10_000);

    const rows = backends.map((name) => ({ name, limit: memoryLimitOf(service(compose, name)), ...processMemory(pids[name]!) }));
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    console.log(
      [
        `pnpm load, then 10 s: ${Math.round((Date.now() - started) / 1000)} s; its summary:`,
        // From its closing summary: how many requests went, and what came back.
        ...load.output.split('\n').filter((line) => /^ {2}(sent|answers) /.test(line)),
        'backend          compose limit  peak RSS  RSS now',
        ...rows.map((r) => `${r.name.padEnd(17)}${mib(r.limit).padStart(13)}${mib(r.peak).padStart(10)}${mib(r.rss).padStart(9)}`),
      ].join('\n'),
    );
    expect(load.code, load.output).toBe(0);
    for (const row of rows) expect(row.peak, `${row.name} peak RSS`).toBeLessThan(row.limit);
  },
  (DURATION_S + 60) * 1000,
);
