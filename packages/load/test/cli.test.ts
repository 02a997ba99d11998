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

  // How fast a busy machine sends is for a benchmark to say; what is checked here is the order of
  // events: it sends while slow answers wait, and stops while some still do.
  test('when every request carries a fault and a quarter are answered 3 s late, then it keeps sending while they wait, stops without waiting for them, exit 0', async () => {
    const { code, stdout, stderr } = await startCli({
      DOGBOOK_URL: gateway.url,
      LOAD_RPS: '20',
      LOAD_DURATION_S: '6',
      LOAD_FAULTS: '1',
    }).exited;
    const openWhenItStopped = gateway.open();

    expect(code).toBe(0);
    expect(stderr).toBe('');
    // Open model: requests go on arriving while earlier ones still wait for their 3 s answers.
    expect(Math.max(...gateway.arrivals.map((a) => a.openBefore))).toBeGreaterThanOrEqual(5);
    // Every fourth request, in turn, is the slow dog.
    const slow = gateway.arrivals.filter((a) => a.baggage.endsWith('=delay:3000')).length;
    expect(slow).toBe(Math.ceil(gateway.arrivals.length / 4));
    // The sender's count is the receiver's, and the slow answers still open were not waited for.
    await expectArrivals(readSummary(stdout).sent);
    expect(openWhenItStopped).toBeGreaterThan(0);
    expect(stdout).toMatch(/^ {2}answers +200×\d+, [1-9]\d* unanswered when it stopped$/m);
    expect(gateway.arrivals.every((a) => a.userAgent === 'dogbook-load' && a.baggage.startsWith('dogbook.learner=load,'))).toBe(true);
    // One progress line, at 5 s, about those 5 s.
    expect(stdout.match(/^ +0:0\d {2}sent \d+ \(\d+\.\d\/s\) {2}answers 200×\d+ {2}p50 \d+ ms {2}p95 \d+ ms$/gm)).toHaveLength(1);
    expect(stdout).toMatch(/^ +0:05 {2}sent /m);
    expect(stdout).toMatch(/^dogbook-load: done after \d+\.\d s$/m);
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
  ])(
    'when $variable is "$value", then it names the variable and what it expects, and exits 2 having sent nothing',
    async ({ variable, value }) => {
      const { code, stdout, stderr } = await startCli({ DOGBOOK_URL: gateway.url, [variable]: value }).exited;
      // A request of ours, sent after the exit: once it has arrived, so has anything sent before it.
      await fetch(`${gateway.url}/after-the-exit`);

      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^dogbook-load: invalid configuration:\\n✖ .+\\n  → at ${variable}$`, 'm'));
      expect(gateway.arrivals.map((a) => a.path)).toEqual(['/after-the-exit']);
    },
  );
});
