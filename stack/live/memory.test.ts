import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { loadCompose, memoryLimitOf, service } from '../src/compose';
import { stackAddresses, stackState } from './support';

const addresses = stackAddresses();
const { pids } = stackState();
const compose = loadCompose();

/** The issue's load: 5 requests/s for two minutes, through nginx. */
const REQUESTS_PER_SECOND = 5;
const DURATION_S = 120;
/** A mix like a learner's: kennels (the whole tree), a kennel that does not exist, inventory, dogs. */
const PATHS = ['/api/v1/kennels/2', '/api/v1/kennels/1', '/api/v1/kennels/3', '/api/v1/inventory/2', '/api/v1/dogs/1'];
const MiB = 1024 * 1024;

/** Resident memory now and at its peak (VmHWM), in bytes, from the kernel's view of the process. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

test(
  `when ${REQUESTS_PER_SECOND} requests/s run for ${DURATION_S} s, then each backend stays within its compose memory limit`,
  async () => {
    const backends = ['otel-collector', 'loki', 'prometheus', 'tempo'].filter((name) => pids[name] !== undefined);
    const answered = { ok: 0, failed: 0 };
    const inFlight: Array<Promise<void>> = [];
    const started = Date.now();
    for (let i = 0; i < REQUESTS_PER_SECOND * DURATION_S; i++) {
      // Requests leave on a fixed schedule, whatever the answers take (an open-loop load).
      await sleep(Math.max(0, started + (i * 1000) / REQUESTS_PER_SECOND - Date.now()));
      inFlight.push(
        fetch(`${addresses.gateway}${PATHS[i % PATHS.length]}`)
          .then(async (response) => {
            await response.arrayBuffer();
            answered[response.status < 500 ? 'ok' : 'failed'] += 1;
          })
          .catch(() => void (answered.failed += 1)),
      );
    }
    await Promise.all(inFlight);
    // Let the last batches reach the backends before reading their peaks.
    await sleep(10_000);

    const rows = backends.map((name) => {
      const limit = memoryLimitOf(service(compose, name));
      const { rss, peak } = memoryOf(pids[name]!);
      return { name, limit, rss, peak };
    });
    console.log(
      [
        `memory after ${answered.ok + answered.failed} requests in ${Math.round((Date.now() - started) / 1000)} s (${answered.failed} failed):`,
        'backend          compose limit  peak RSS  RSS now',
        ...rows.map(
          (r) =>
            `${r.name.padEnd(17)}${`${r.limit / MiB} MiB`.padStart(13)}${`${(r.peak / MiB).toFixed(0)} MiB`.padStart(10)}${`${(r.rss / MiB).toFixed(0)} MiB`.padStart(9)}`,
        ),
      ].join('\n'),
    );
    expect(answered.failed).toBe(0);
    for (const row of rows) expect(row.peak, `${row.name} peak RSS`).toBeLessThan(row.limit);
  },
  (DURATION_S + 60) * 1000,
);
