import { summarize, type Span, type Trace } from './trace';

export interface AssemblerOptions {
  /** Traces kept in memory; when a new one arrives beyond this, the oldest is forgotten. */
  maxTraces: number;
  /** A trace counts as finished once no span for it has arrived for this long. */
  quietMs: number;
  /** Spans kept per trace; more are counted as dropped, so one runaway trace cannot fill memory. */
  maxSpansPerTrace?: number;
  /**
   * Called when a trace goes quiet. A span arriving after that (a slow exporter, a late batch)
   * starts the quiet period again and the trace is reported again, with `update` true.
   */
  onFinished?: (trace: Trace, update: boolean) => void;
}

interface Entry {
  spans: Map<string, Span>;
  droppedSpans: number;
  timer: NodeJS.Timeout | undefined;
  reported: boolean;
}

/**
 * Groups spans into traces as they arrive, in any order and from any number of services, and
 * tells when a trace has gone quiet. Spans have no "trace complete" marker: a root span may end
 * before a child's batch is sent, so quiet time is the only signal a receiver has.
 */
export class TraceAssembler {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSpansPerTrace: number;

  constructor(private readonly options: AssemblerOptions) {
    if (!(options.maxTraces >= 1)) throw new RangeError('maxTraces must be at least 1');
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 1000;
  }

  add(spans: readonly Span[]): void {
    const touched = new Set<string>();
    for (const span of spans) {
      const entry = this.entryFor(span.traceId);
      // An exporter that retries may send a span twice; the span id says it is the same one.
      if (entry.spans.has(span.spanId) || entry.spans.size < this.maxSpansPerTrace) {
        entry.spans.set(span.spanId, span);
      } else {
        entry.droppedSpans += 1;
      }
      touched.add(span.traceId);
    }
    for (const traceId of touched) this.restartQuietTimer(traceId);
  }

  /** Newest first: the trace whose first span arrived last comes first. */
  traces(): Trace[] {
    return [...this.entries.keys()].reverse().map((traceId) => this.trace(traceId)!);
  }

  trace(traceId: string): Trace | undefined {
    const entry = this.entries.get(traceId);
    if (!entry) return undefined;
    return summarize(traceId, [...entry.spans.values()], {
      finished: entry.reported && entry.timer === undefined,
      droppedSpans: entry.droppedSpans,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stops every pending quiet timer; the traces stay readable. */
  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  private entryFor(traceId: string): Entry {
    let entry = this.entries.get(traceId);
    if (!entry) {
      if (this.entries.size >= this.options.maxTraces) this.evictOldest();
      entry = { spans: new Map(), droppedSpans: 0, timer: undefined, reported: false };
      this.entries.set(traceId, entry);
    }
    return entry;
  }

  private evictOldest(): void {
    // A Map iterates in insertion order, so its first key is the trace that arrived first.
    const [oldestId, oldest] = this.entries.entries().next().value ?? [];
    if (oldestId === undefined || !oldest) return;
    clearTimeout(oldest.timer);
    this.entries.delete(oldestId);
  }

  private restartQuietTimer(traceId: string): void {
    const entry = this.entries.get(traceId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const update = entry.reported;
      entry.reported = true;
      this.options.onFinished?.(this.trace(traceId)!, update);
    }, this.options.quietMs);
    // The HTTP server keeps the process alive; a pending print alone should not.
    entry.timer.unref();
  }
}
