import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms`, standing in for a database round trip (SIMULATED_LATENCY_MS). At 0 it does not wait
 * at all: a 0 ms timer still waits for the event loop's next timer phase, about a millisecond, so
 * "no simulated latency" would still add a millisecond to every look-up.
 */
export async function simulatedRoundTrip(ms: number): Promise<void> {
  if (ms > 0) await sleep(ms);
}
