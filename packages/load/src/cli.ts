#!/usr/bin/env -S node --disable-warning=DEP0060
/**
 * dogbook-load: a steady mix of DogBook traffic through the gateway, so that dashboards, the
 * service graph and error rates have something to show. Every request carries the baggage member
 * `dogbook.learner=load`; a share of them also carry a fault. Settings: see config.ts.
 *
 * --disable-warning=DEP0060 (here, in the start script and in docker-compose.yml): loadtest loads
 * agentkeepalive 2, which calls the deprecated util._extend as it loads. The warning is about a
 * dependency's insides, and says nothing to someone running DogBook.
 */
import { readLoadConfig, UNTIL_STOPPED_S, type LoadConfig } from './config';
import { createMix, LEARNER } from './mix';
import { formatProgress, formatSummary } from './report';
import { runLoad } from './run';
import { Tally } from './tally';

const PROGRESS_EVERY_MS = 5_000;

function describe(config: LoadConfig): string {
  const duration = config.LOAD_DURATION_S === undefined ? 'until stopped (Ctrl-C)' : `for ${config.LOAD_DURATION_S} s`;
  return (
    `dogbook-load: ${config.LOAD_RPS} requests/s to ${config.DOGBOOK_URL} ${duration}, ` +
    `${Math.round(config.LOAD_FAULTS * 1000) / 10}% of them with a fault, all with baggage dogbook.learner=${LEARNER}`
  );
}

async function main(): Promise<void> {
  let config: LoadConfig;
  try {
    config = readLoadConfig();
  } catch (error) {
    console.error(`dogbook-load: ${(error as Error).message}`);
    process.exit(2);
  }
  console.log(describe(config));

  const startedAt = performance.now();
  const secondsSince = (moment: number) => (performance.now() - moment) / 1000;
  const total = new Tally();
  let window = new Tally();
  let windowStartedAt = startedAt;

  const progress = setInterval(() => {
    console.log(formatProgress(window, secondsSince(startedAt), secondsSince(windowStartedAt), config.DOGBOOK_URL));
    window = new Tally();
    windowStartedAt = performance.now();
  }, PROGRESS_EVERY_MS);

  // Requests still waiting for an answer are not waited for: stopping means stopping now.
  const finish = (ending: string) => {
    clearInterval(progress);
    console.log(formatSummary(total, secondsSince(startedAt), config.LOAD_RPS, ending));
    process.exit(0);
  };
  process.once('SIGINT', () => finish('stopped by SIGINT'));
  process.once('SIGTERM', () => finish('stopped by SIGTERM'));

  await runLoad({
    url: config.DOGBOOK_URL,
    requestsPerSecond: config.LOAD_RPS,
    durationS: config.LOAD_DURATION_S ?? UNTIL_STOPPED_S,
    next: createMix(config.LOAD_FAULTS),
    onSent(request) {
      total.recordSent(request.kind);
      window.recordSent(request.kind);
    },
    onOutcome(outcome, latencyMs) {
      total.recordOutcome(outcome, latencyMs);
      window.recordOutcome(outcome, latencyMs);
    },
  });
  finish('done');
}

main().catch((error: unknown) => {
  console.error('dogbook-load:', error);
  process.exit(1);
});
