import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { readSummary } from '../src/report';
import { startCli } from './cli-process';
import { startFakeGateway, type FakeGateway } from './fake-gateway';

describe('dogbook-load, the command', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await startFakeGateway();
  });
  afterEach(async () => {
    await gateway.close();
  });

  /**
   * The gateway reads the last requests from its sockets on its own time, possibly after the
   * generator's exit has been seen: give it a moment, then the counts must be equal.
   */
  const expectArrivals = (sent: number) =>
    vi.waitFor(() => expect(gateway.arrivals.length, 'requests the gateway received').toBe(sent), { timeout: 1_000 });

  test('when every request carries a fault and a quarter are answered 3 s late, then the rate still holds and it stops on time, exit 0', async () => {
    const { code, stdout, stderr, ms } = await startCli({
      DOGBOOK_URL: gateway.url,
      LOAD_RPS: '20',
      LOAD_DURATION_S: '6',
      LOAD_FAULTS: '1',
    }).exited;

    expect(code).toBe(0);
    expect(stderr).toBe('');
    // Open model: 20 a second, second after second, although 3 s answers pile up (30 at a time).
    const first = gateway.arrivals[0]!.atMs;
    const bySecond = [1, 2, 3, 4, 5, 6].map((s) => gateway.arrivals.filter((a) => a.atMs - first < s * 1000).length);
    bySecond.forEach((count, i) => {
      expect(Math.abs(count - 20 * (i + 1)), `arrivals by the end of each second: ${bySecond}`).toBeLessThanOrEqual(3);
    });
    expect(gateway.arrivals.filter((a) => a.baggage.endsWith('=delay:3000')).length).toBeGreaterThanOrEqual(29);
    // The sender's count is the receiver's, and the slow answers still open were not waited for.
    await expectArrivals(readSummary(stdout).sent);
    expect(stdout).toMatch(/^ {2}answers +200×\d+, \d+ unanswered when it stopped$/m);
    expect(ms).toBeLessThan(6_000 + 1_500);
    expect(gateway.arrivals.every((a) => a.userAgent === 'dogbook-load' && a.baggage.startsWith('dogbook.learner=load,'))).toBe(true);
    // One progress line, at 5 s, about those 5 s.
    expect(stdout).toMatch(/^ +0:05 {2}sent (99|100|101) \(\d+\.\d\/s\) {2}answers 200×\d+ {2}p50 \d+ ms {2}p95 \d+ ms$/m);
    expect(stdout).toMatch(/^dogbook-load: done after 6\.\d s$/m);
  });

  test('when nothing listens at DOGBOOK_URL, then every request it sent is counted as refused, none as still open, exit 0', async () => {
    const nobody = await startFakeGateway();
    await nobody.close();

    const { code, stdout, stderr } = await startCli({ DOGBOOK_URL: nobody.url, LOAD_RPS: '10', LOAD_DURATION_S: '2' }).exited;

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const sent = readSummary(stdout).sent;
    expect(sent).toBeGreaterThanOrEqual(18);
    expect(stdout).toMatch(new RegExp(`^ {2}answers +ECONNREFUSED×${sent}$`, 'm'));
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('when stopped with %s, then it prints the summary and exits 0', async (signal) => {
    const cli = startCli({ DOGBOOK_URL: gateway.url, LOAD_RPS: '10' });
    await vi.waitFor(() => expect(gateway.arrivals.length).toBeGreaterThanOrEqual(10), { timeout: 5_000 });
    cli.kill(signal);
    const { code, stdout } = await cli.exited;

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^dogbook-load: stopped by ${signal} after \\d+\\.\\d s$`, 'm'));
    await expectArrivals(readSummary(stdout).sent);
    expect(stdout).toMatch(/^ {2}latency +p50 \d+ ms, p95 \d+ ms, max \d+ ms$/m);
  });

  test.each([
    { variable: 'LOAD_RPS', value: '0' },
    { variable: 'LOAD_RPS', value: 'fast' },
    { variable: 'LOAD_FAULTS', value: '1.5' },
    { variable: 'LOAD_FAULTS', value: '5%' },
    { variable: 'LOAD_DURATION_S', value: '-1' },
    { variable: 'LOAD_DURATION_S', value: '' },
    { variable: 'DOGBOOK_URL', value: 'localhost:8080' },
    { variable: 'DOGBOOK_URL', value: 'http://localhost:8080/api/v1' },
  ])('when $variable is "$value", then it names the variable and what it expects, and exits 2 having sent nothing', async ({ variable, value }) => {
    const { code, stdout, stderr } = await startCli({ DOGBOOK_URL: gateway.url, [variable]: value }).exited;
    await sleep(100);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^dogbook-load: invalid configuration:\\n✖ .+\\n  → at ${variable}$`, 'm'));
    expect(gateway.arrivals).toEqual([]);
  });
});
