import { describe, expect, it } from 'vitest';
import { barPlacement, renderWaterfall, waterfallRows } from '../src/waterfall';
import { TRACE_ID, makeSpan, makeTrace } from './spans';

const ANSI = /\u001b\[/;

describe('waterfallRows', () => {
  it('when spans arrive out of order, then each child is listed under its parent and siblings by start time', () => {
    const spans = [
      makeSpan({ spanId: 'b', parentSpanId: 'root', startMs: 50, endMs: 90 }),
      makeSpan({ spanId: 'a1', parentSpanId: 'a', startMs: 15, endMs: 20 }),
      makeSpan({ spanId: 'root', startMs: 0, endMs: 100 }),
      makeSpan({ spanId: 'a', parentSpanId: 'root', startMs: 10, endMs: 40 }),
      makeSpan({ spanId: 'b1', parentSpanId: 'b', startMs: 60, endMs: 70 }),
    ];

    const rows = waterfallRows(spans);

    expect(rows.map((row) => [row.span.name, row.depth])).toEqual([
      ['root', 0],
      ['a', 1],
      ['a1', 2],
      ['b', 1],
      ['b1', 2],
    ]);
    expect(rows.every((row) => !row.orphan)).toBe(true);
  });

  it('when a parent has not arrived, then its child is shown at the top level, in start order, marked as an orphan', () => {
    const spans = [
      makeSpan({ spanId: 'root', startMs: 0, endMs: 100 }),
      makeSpan({ spanId: 'late', parentSpanId: 'missing', startMs: 20, endMs: 30 }),
      makeSpan({ spanId: 'child', parentSpanId: 'late', startMs: 21, endMs: 29 }),
      makeSpan({ spanId: 'early', parentSpanId: 'missing', startMs: -5, endMs: 1 }),
    ];

    const rows = waterfallRows(spans);

    expect(rows.map((row) => [row.span.name, row.depth, row.orphan])).toEqual([
      ['early', 0, true],
      ['root', 0, false],
      ['late', 0, true],
      ['child', 1, false],
    ]);
  });

  it('when parents form a cycle, then every span is still listed once', () => {
    const spans = [
      makeSpan({ spanId: 'x', parentSpanId: 'y', startMs: 0, endMs: 10 }),
      makeSpan({ spanId: 'y', parentSpanId: 'x', startMs: 1, endMs: 9 }),
    ];

    expect(
      waterfallRows(spans)
        .map((row) => row.span.name)
        .sort(),
    ).toEqual(['x', 'y']);
  });
});

describe('barPlacement', () => {
  const trace = makeTrace([makeSpan({ spanId: 'root', startMs: 0, endMs: 200 })]);

  it('when children overlap in time, then their bars overlap on the same cells', () => {
    const inventory = barPlacement(makeSpan({ spanId: 'i', startMs: 0, endMs: 100 }), trace, 40);
    const dogs = [
      makeSpan({ spanId: 'd1', startMs: 100, endMs: 200 }),
      makeSpan({ spanId: 'd2', startMs: 101, endMs: 199 }),
      makeSpan({ spanId: 'd3', startMs: 102, endMs: 160 }),
    ].map((span) => barPlacement(span, trace, 40));

    expect(inventory).toEqual({ offset: 0, length: 20 });
    expect(dogs).toEqual([
      { offset: 20, length: 20 },
      { offset: 20, length: 20 },
      { offset: 20, length: 12 },
    ]);
  });

  it('when a span is far shorter than a cell, then it still gets one cell at its place', () => {
    expect(barPlacement(makeSpan({ spanId: 's', startMs: 150, endMs: 150.01 }), trace, 40)).toEqual({
      offset: 30,
      length: 1,
    });
    expect(barPlacement(makeSpan({ spanId: 'e', startMs: 200, endMs: 200 }), trace, 40)).toEqual({
      offset: 39,
      length: 1,
    });
  });

  it('when the whole trace lasts no time at all, then every bar is one cell at the start', () => {
    const instant = makeTrace([makeSpan({ spanId: 'r', startMs: 5, endMs: 5 })]);
    expect(barPlacement(instant.spans[0]!, instant, 40)).toEqual({ offset: 0, length: 1 });
  });
});

describe('renderWaterfall', () => {
  const trace = makeTrace([
    makeSpan({ spanId: 'root', serviceName: 'kennels', startMs: 0, endMs: 100 }),
    makeSpan({ spanId: 'a', parentSpanId: 'root', serviceName: 'inventory', startMs: 0, endMs: 50 }),
    makeSpan({ spanId: 'b', parentSpanId: 'root', serviceName: 'dogs', startMs: 50, endMs: 100, error: 'boom' }),
  ]);

  it('when rendered without colour, then the trace id leads and each span is one aligned, indented line', () => {
    expect(renderWaterfall(trace, { barWidth: 10 })).toBe(
      [
        `trace ${TRACE_ID}  kennels: root  100.0 ms, 3 spans  1 error`,
        'kennels    root  100.0 ms  |██████████|',
        'inventory    a    50.0 ms  |█████     |',
        'dogs         b    50.0 ms  |     █████|  ✗ boom',
        '',
      ].join('\n'),
    );
  });

  it('when the spans carry a dogbook.learner, then the header line names that learner', () => {
    const tagged = makeTrace([
      makeSpan({ spanId: 'root', startMs: 0, endMs: 10, attributes: { 'dogbook.learner': 'alice' } }),
      makeSpan({ spanId: 'c', parentSpanId: 'root', startMs: 1, endMs: 5, attributes: { 'dogbook.learner': 'alice' } }),
    ]);

    const [header] = renderWaterfall(tagged).split('\n');

    expect(header).toBe(`trace ${TRACE_ID}  kennels: root  10.0 ms, 2 spans  learner alice`);
    expect(renderWaterfall(trace).split('\n')[0]).not.toContain('learner');
  });

  it('when a span failed, then only its line carries the ✗ mark and its status message', () => {
    const lines = renderWaterfall(trace).split('\n');

    expect(lines.filter((line) => line.includes('✗'))).toEqual([expect.stringMatching(/^dogs .*✗ boom$/)]);
  });

  it('when colour is on, then the text has ANSI styles; when off, none', () => {
    expect(renderWaterfall(trace, { color: true })).toMatch(ANSI);
    expect(renderWaterfall(trace, { color: false })).not.toMatch(ANSI);
  });

  it('when a name is too long for its column, then it is cut with an ellipsis and the bars stay aligned', () => {
    const long = makeTrace([
      makeSpan({ spanId: 'root', name: 'r'.repeat(80), startMs: 0, endMs: 10 }),
      makeSpan({ spanId: 'c', parentSpanId: 'root', startMs: 0, endMs: 5 }),
    ]);

    const [, first, second] = renderWaterfall(long, { maxNameWidth: 20 }).split('\n');

    expect(first).toContain(`${'r'.repeat(19)}…`);
    expect(first!.indexOf('|')).toBe(second!.indexOf('|'));
  });
});

describe('renderWaterfall in a narrow terminal', () => {
  it('when the terminal is 80 columns wide, then every span line fits, an error message cut with an ellipsis', () => {
    const trace = makeTrace([
      makeSpan({ spanId: 'root', name: 'GET /api/v1/kennels/:id', serviceName: 'kennels', startMs: 0, endMs: 200 }),
      makeSpan({
        spanId: 'deep',
        parentSpanId: 'root',
        name: 'a.rather.long.span.name.that.would.not.fit.anywhere.at.all',
        serviceName: 'inventory',
        startMs: 10,
        endMs: 190,
        error: 'no answer from http://dogs:8080/api/v1/dogs/4 within 2000 ms, and then some more words',
      }),
    ]);

    const lines = renderWaterfall(trace, { columns: 80 }).trimEnd().split('\n');
    const wide = renderWaterfall(trace).trimEnd().split('\n');

    for (const line of lines.slice(1)) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines[2]).toMatch(/✗ no answer from.*…$/);
    expect(wide[2]!.length).toBeGreaterThan(80);
  });
});
