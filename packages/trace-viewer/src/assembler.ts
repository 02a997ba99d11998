import { LEARNER_ATTRIBUTE, summarize, type AttributeValue, type Span, type Trace } from './trace';

export interface AssemblerOptions {
  /** Memory the kept spans may take, as estimated by spanBytes(). */
  maxBytes: number;
  /** Traces kept at most. */
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
  bytes: number;
  /** Whose trace it is, for eviction: its first learner name, or '' for none. */
  owner: string;
  /** Spans arrived since it was last reported: it may not be forgotten. */
  waiting: boolean;
}

/** Which traces to list; every field that is given must hold. */
export interface TraceFilter {
  /** A span of the trace carries this `dogbook.learner`. */
  learner?: string;
  /** The trace's root (its earliest span without a parent) was sent by this service. */
  rootService?: string;
  /** The trace's earliest span started within this window, in Unix milliseconds. */
  fromMs?: number;
  toMs?: number;
}

function matches(spans: Span[], filter: TraceFilter): boolean {
  if (filter.learner !== undefined && !spans.some((span) => span.attributes[LEARNER_ATTRIBUTE] === filter.learner)) return false;
  if (filter.rootService !== undefined) {
    const roots = spans.filter((span) => span.parentSpanId === null);
    const root = roots.reduce<Span | undefined>(
      (first, span) => (!first || BigInt(span.startTimeUnixNano) < BigInt(first.startTimeUnixNano) ? span : first),
      undefined,
    );
    if (root?.serviceName !== filter.rootService) return false;
  }
  if (filter.fromMs !== undefined || filter.toMs !== undefined) {
    const startMs = Number(
      spans.reduce(
        (min, span) => (BigInt(span.startTimeUnixNano) < min ? BigInt(span.startTimeUnixNano) : min),
        BigInt(spans[0]!.startTimeUnixNano),
      ) / 1_000_000n,
    );
    if ((filter.fromMs !== undefined && startMs < filter.fromMs) || (filter.toMs !== undefined && startMs > filter.toMs)) return false;
  }
  return true;
}

/** Every byte budget is full of traces not yet printed: the sender should try again shortly. */
export class AssemblerFullError extends Error {
  override name = 'AssemblerFullError';
}

/** A fixed share per span for the objects around its strings (the Span, its maps, its ids). */
const SPAN_OVERHEAD_BYTES = 600;

function valueChars(value: AttributeValue): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + valueChars(item), 0);
  return typeof value === 'string' ? value.length : 8;
}

/** What a span weighs in memory, estimated from its strings (two bytes a character) and a fixed share. */
export function spanBytes(span: Span): number {
  let chars = span.name.length + span.serviceName.length + (span.status.message?.length ?? 0);
  for (const [key, value] of Object.entries(span.attributes)) chars += key.length + valueChars(value);
  return SPAN_OVERHEAD_BYTES + 2 * chars;
}

/** Of maxBytes, the share traces still arriving may take; the rest holds the printed ones. */
const WAITING_SHARE = 0.25;

/** The traces of one owner, in order of first arrival, and what the printed ones among them weigh. */
interface Owner {
  printedBytes: number;
  traces: Map<string, Entry>;
}

/**
 * Groups spans into traces as they arrive, in any order and from any number of services, and
 * tells when a trace has gone quiet. Spans have no "trace complete" marker: a root span may end
 * before a child's batch is sent, so quiet time is the only signal a receiver has.
 *
 * What it keeps, in a room of learners sharing one viewer, within maxBytes:
 * - a trace is never forgotten before it was reported (printed, and readable as finished);
 * - traces still arriving may take a quarter of maxBytes; beyond that, new spans are refused
 *   (AssemblerFullError, a 503 the exporter retries) rather than anything dropped unseen;
 * - the printed traces take the rest; when it is full, the owner whose printed traces weigh most
 *   loses its oldest first: one learner's burst, or `pnpm load` (learner "load"), costs its sender
 *   its own old traces, never another learner's newest ones.
 */
export class TraceAssembler {
  /** Every trace, in order of first arrival. */
  private readonly entries = new Map<string, Entry>();
  /** The same traces by owner. */
  private readonly owners = new Map<string, Owner>();
  private printedBytes = 0;
  private waitingBytes = 0;
  private waitingTraces = 0;
  private readonly maxSpansPerTrace: number;

  constructor(private readonly options: AssemblerOptions) {
    if (!(options.maxTraces >= 1)) throw new RangeError('maxTraces must be at least 1');
    if (!(options.maxBytes >= 1)) throw new RangeError('maxBytes must be at least 1');
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 1000;
  }

  /** Adds a batch of spans, or refuses all of it (AssemblerFullError) when it cannot be kept. */
  add(spans: readonly Span[]): void {
    const newTraces = new Set(spans.map((span) => span.traceId).filter((traceId) => !this.entries.has(traceId)));
    const bytes = spans.reduce((sum, span) => sum + spanBytes(span), 0);
    if (this.waitingBytes + bytes > this.options.maxBytes * WAITING_SHARE || this.waitingTraces + newTraces.size > this.options.maxTraces) {
      throw new AssemblerFullError(
        `the viewer is full of traces not yet printed (${this.waitingTraces} traces, about ${Math.round(this.waitingBytes / 1024)} KiB); ` +
          'try again in a moment',
      );
    }
    const touched = new Set<string>();
    for (const span of spans) {
      const entry = this.entryFor(span.traceId);
      const known = entry.spans.get(span.spanId);
      // An exporter that retries may send a span twice; the span id says it is the same one.
      if (known || entry.spans.size < this.maxSpansPerTrace) {
        entry.spans.set(span.spanId, span);
        this.markWaiting(entry);
        const grown = spanBytes(span) - (known ? spanBytes(known) : 0);
        entry.bytes += grown;
        this.waitingBytes += grown;
        const learner = span.attributes[LEARNER_ATTRIBUTE];
        if (entry.owner === '' && typeof learner === 'string') this.moveTo(span.traceId, entry, learner);
      } else {
        entry.droppedSpans += 1;
      }
      touched.add(span.traceId);
    }
    for (const traceId of touched) this.restartQuietTimer(traceId);
    this.trim();
  }

  /**
   * Newest first: the trace whose first span arrived last comes first. Only the traces that match
   * `filter` are summarized, so a question about a few of them stays cheap with thousands kept.
   */
  traces(filter: TraceFilter = {}): Trace[] {
    const matching = [...this.entries].filter(([, entry]) => matches([...entry.spans.values()], filter));
    return matching.reverse().map(([traceId]) => this.trace(traceId)!);
  }

  /** Every learner name a kept span carries. */
  learners(): string[] {
    const names = new Set<string>();
    for (const entry of this.entries.values()) {
      for (const span of entry.spans.values()) {
        const learner = span.attributes[LEARNER_ATTRIBUTE];
        if (typeof learner === 'string') names.add(learner);
      }
    }
    return [...names].sort();
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

  /** The estimated memory the kept spans take (see spanBytes): never more than maxBytes. */
  get byteSize(): number {
    return this.printedBytes + this.waitingBytes;
  }

  /** Stops every pending quiet timer; the traces stay readable (and are never reported). */
  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  private entryFor(traceId: string): Entry {
    let entry = this.entries.get(traceId);
    if (!entry) {
      entry = { spans: new Map(), droppedSpans: 0, timer: undefined, reported: false, bytes: 0, owner: '', waiting: false };
      this.entries.set(traceId, entry);
      this.owner('').traces.set(traceId, entry);
    }
    return entry;
  }

  private owner(name: string): Owner {
    let owner = this.owners.get(name);
    if (!owner) {
      owner = { printedBytes: 0, traces: new Map() };
      this.owners.set(name, owner);
    }
    return owner;
  }

  /** A span arrived: the trace waits to be reported (again), and cannot make room meanwhile. */
  private markWaiting(entry: Entry): void {
    if (entry.waiting) return;
    entry.waiting = true;
    this.waitingTraces += 1;
    this.waitingBytes += entry.bytes;
    this.printedBytes -= entry.bytes;
    this.owner(entry.owner).printedBytes -= entry.bytes;
  }

  private markPrinted(entry: Entry): void {
    entry.waiting = false;
    this.waitingTraces -= 1;
    this.waitingBytes -= entry.bytes;
    this.printedBytes += entry.bytes;
    this.owner(entry.owner).printedBytes += entry.bytes;
    this.trim();
  }

  /** Forgets printed traces while they weigh more than their share, or there are too many traces. */
  private trim(): void {
    while (this.printedBytes > this.options.maxBytes * (1 - WAITING_SHARE) || this.entries.size > this.options.maxTraces) {
      if (!this.forgetOne()) break;
    }
  }

  private moveTo(traceId: string, entry: Entry, name: string): void {
    const from = this.owner(entry.owner);
    from.traces.delete(traceId);
    if (from.traces.size === 0) this.owners.delete(entry.owner);
    entry.owner = name;
    this.owner(name).traces.set(traceId, entry);
  }

  /** The oldest printed trace of the owner whose printed traces weigh most; false when none can go. */
  private forgetOne(): boolean {
    let heaviest: [string, Owner] | undefined;
    for (const candidate of this.owners) {
      if (candidate[1].printedBytes > 0 && (!heaviest || candidate[1].printedBytes > heaviest[1].printedBytes)) heaviest = candidate;
    }
    if (!heaviest) return false;
    const [name, owner] = heaviest;
    for (const [traceId, entry] of owner.traces) {
      if (entry.waiting) continue;
      owner.traces.delete(traceId);
      owner.printedBytes -= entry.bytes;
      if (owner.traces.size === 0) this.owners.delete(name);
      this.printedBytes -= entry.bytes;
      this.entries.delete(traceId);
      return true;
    }
    return false;
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
      this.markPrinted(entry);
    }, this.options.quietMs);
    // The HTTP server keeps the process alive; a pending print alone should not.
    entry.timer.unref();
  }
}
