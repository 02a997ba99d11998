/**
 * Counts of what was sent and what came back over a stretch of time (one progress line, or the
 * whole run). Latencies are kept as a histogram of whole milliseconds, so a run of days at a
 * steady rate stays a few thousand numbers.
 */
export class Tally {
  sent = 0;
  /** Every outcome: a response, a timeout or a connection error. */
  settled = 0;
  readonly sentByKind = new Map<string, number>();
  /** `200`, `502`, ... for responses; `timeout` or an error code such as `ECONNREFUSED` otherwise. */
  readonly outcomes = new Map<string, number>();
  private readonly latencyCounts = new Map<number, number>();
  private latencySamples = 0;

  recordSent(kind: string): void {
    this.sent += 1;
    this.sentByKind.set(kind, (this.sentByKind.get(kind) ?? 0) + 1);
  }

  /** `latencyMs` only for a response: a request that failed has no answer to time. */
  recordOutcome(outcome: string, latencyMs?: number): void {
    this.settled += 1;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (latencyMs === undefined) return;
    const ms = Math.round(latencyMs);
    this.latencyCounts.set(ms, (this.latencyCounts.get(ms) ?? 0) + 1);
    this.latencySamples += 1;
  }

  /** The latency at or below which `percent` % of the responses came (nearest rank); undefined before any. */
  percentile(percent: number): number | undefined {
    if (this.latencySamples === 0) return undefined;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.latencySamples));
    let seen = 0;
    for (const ms of [...this.latencyCounts.keys()].sort((a, b) => a - b)) {
      seen += this.latencyCounts.get(ms)!;
      if (seen >= rank) return ms;
    }
    return undefined;
  }

  max(): number | undefined {
    return this.latencySamples === 0 ? undefined : Math.max(...this.latencyCounts.keys());
  }
}
