import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AssemblerFullError, TraceAssembler, spanBytes } from '../src/assembler';
import type { Trace } from '../src/trace';
import { makeSpan } from './spans';

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const MIB = 1024 * 1024;

describe('TraceAssembler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when more traces arrive than maxTraces, then the oldest printed ones are forgotten and the rest listed newest first', () => {
    const assembler = new TraceAssembler({ maxBytes: MIB, maxTraces: 3, quietMs: 1000 });

    for (let n = 1; n <= 5; n++) {
      assembler.add([makeSpan({ traceId: traceId(n), spanId: 'root', startMs: 0, endMs: 1 })]);
      vi.advanceTimersByTime(1000);
    }

    expect(assembler.size).toBe(3);
    expect(assembler.traces().map((trace) => trace.traceId)).toEqual([traceId(5), traceId(4), traceId(3)]);
    expect(assembler.trace(traceId(1))).toBeUndefined();
  });

  it('when every kept trace still waits to be printed, then new spans are refused, and nothing kept is forgotten', () => {
    const onFinished = vi.fn();
    const assembler = new TraceAssembler({ maxBytes: MIB, maxTraces: 1, quietMs: 100, onFinished });
    // maxTraces bounds the traces waiting to be printed too.

    assembler.add([makeSpan({ traceId: traceId(1), spanId: 'a', startMs: 0, endMs: 1 })]);
    expect(() => assembler.add([makeSpan({ traceId: traceId(2), spanId: 'a', startMs: 0, endMs: 1 })])).toThrow(AssemblerFullError);
    // Its own late spans are still taken: they add no trace.
    assembler.add([makeSpan({ traceId: traceId(1), spanId: 'b', startMs: 0, endMs: 1 })]);
    vi.advanceTimersByTime(1000);

    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(onFinished.mock.calls[0]![0]).toMatchObject({ traceId: traceId(1), spanCount: 2 });
    // Printed now, so it may make room.
    assembler.add([makeSpan({ traceId: traceId(2), spanId: 'a', startMs: 0, endMs: 1 })]);
    expect(assembler.traces().map((trace) => trace.traceId)).toEqual([traceId(2)]);
  });

  it("when one learner's burst fills the memory, then that learner loses their own oldest traces, and another learner's stay", () => {
    const span = (n: number, learner: string) =>
      makeSpan({ traceId: traceId(n), spanId: 'root', startMs: 0, endMs: 1, attributes: { 'dogbook.learner': learner } });
    // Printed traces may take three quarters of the budget: room for fifteen of these.
    const budget = 20 * spanBytes(span(1, 'burster'));
    const assembler = new TraceAssembler({ maxBytes: budget, maxTraces: 1000, quietMs: 100 });

    for (let n = 1; n <= 3; n++) assembler.add([span(n, 'alice')]);
    vi.advanceTimersByTime(100);
    for (let n = 100; n < 200; n++) {
      assembler.add([span(n, 'burster')]);
      vi.advanceTimersByTime(100);
    }

    const kept = assembler.traces();
    expect(kept.filter((trace) => trace.learners.includes('alice')).map((trace) => trace.traceId)).toEqual([
      traceId(3),
      traceId(2),
      traceId(1),
    ]);
    const bursts = kept.filter((trace) => trace.learners.includes('burster'));
    expect(bursts[0]!.traceId).toBe(traceId(199));
    expect(bursts.length).toBe(12);
    expect(assembler.byteSize).toBeLessThanOrEqual(budget);
  });

  it('when no span arrives for quietMs, then the trace is reported once, with every span and marked finished', () => {
    const finished: Trace[] = [];
    const assembler = new TraceAssembler({ maxBytes: MIB, maxTraces: 10, quietMs: 1000, onFinished: (trace) => finished.push(trace) });

    assembler.add([makeSpan({ spanId: 'child', parentSpanId: 'root', startMs: 1, endMs: 2 })]);
    vi.advanceTimersByTime(999);
    assembler.add([makeSpan({ spanId: 'root', startMs: 0, endMs: 3 })]);
    vi.advanceTimersByTime(999);

    expect(finished).toHaveLength(0);
    expect(assembler.traces()[0]!.finished).toBe(false);

    vi.advanceTimersByTime(1);

    expect(finished).toHaveLength(1);
    expect(finished[0]!.spans.map((span) => span.name)).toEqual(['root', 'child']);
    expect(finished[0]).toMatchObject({ finished: true, spanCount: 2, rootSpanName: 'root', durationMs: 3 });
  });

  it('when a span arrives after its trace was reported, then the trace is reported again as an update', () => {
    const reports: [number, boolean][] = [];
    const assembler = new TraceAssembler({
      maxBytes: MIB,
      maxTraces: 10,
      quietMs: 500,
      onFinished: (trace, update) => reports.push([trace.spanCount, update]),
    });

    assembler.add([makeSpan({ spanId: 'root', startMs: 0, endMs: 3 })]);
    vi.advanceTimersByTime(500);
    assembler.add([makeSpan({ spanId: 'late', parentSpanId: 'root', startMs: 1, endMs: 2 })]);
    vi.advanceTimersByTime(500);

    expect(reports).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('when a trace reaches maxSpansPerTrace, then further spans are counted as dropped and a resent span is kept once', () => {
    const assembler = new TraceAssembler({ maxBytes: MIB, maxTraces: 10, quietMs: 100, maxSpansPerTrace: 2 });
    const root = makeSpan({ spanId: 'root', startMs: 0, endMs: 3 });

    assembler.add([root, root, makeSpan({ spanId: 'b', startMs: 1, endMs: 2 })]);
    assembler.add([makeSpan({ spanId: 'c', startMs: 1, endMs: 2 }), makeSpan({ spanId: 'd', startMs: 1, endMs: 2 })]);
    assembler.add([root]);

    expect(assembler.traces()[0]).toMatchObject({ spanCount: 2, droppedSpans: 2 });
  });

  it('when closed, then pending traces are not reported but stay readable', () => {
    const onFinished = vi.fn();
    const assembler = new TraceAssembler({ maxBytes: MIB, maxTraces: 10, quietMs: 100, onFinished });

    assembler.add([makeSpan({ spanId: 'root', startMs: 0, endMs: 3 })]);
    assembler.close();
    vi.advanceTimersByTime(1000);

    expect(onFinished).not.toHaveBeenCalled();
    expect(assembler.size).toBe(1);
  });
});
