/*
 * The waterfall's layout, shared by the terminal (waterfall.ts) and the web page (page/): which span
 * goes on which row, at which depth, and where its bar sits on the trace's time axis. No Node.js
 * here: the page's bundle includes this file.
 */
import { byStartTime, type Span, type Trace } from './trace';

export interface WaterfallRow {
  span: Span;
  depth: number;
  /** The span names a parent that has not arrived (yet), so it is shown at the top level. */
  orphan: boolean;
}

/**
 * Spans in waterfall order: depth first, every child under its parent, siblings by start time.
 * Spans whose parent is missing start a tree of their own at the top level, in start-time order
 * with the real roots, so nothing received is ever hidden.
 */
export function waterfallRows(spans: readonly Span[]): WaterfallRow[] {
  const sorted = [...spans].sort(byStartTime);
  const ids = new Set(sorted.map((span) => span.spanId));
  const children = new Map<string, Span[]>();
  for (const span of sorted) {
    if (span.parentSpanId !== null && ids.has(span.parentSpanId)) {
      const siblings = children.get(span.parentSpanId) ?? [];
      siblings.push(span);
      children.set(span.parentSpanId, siblings);
    }
  }

  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  const visit = (span: Span, depth: number, orphan: boolean) => {
    if (visited.has(span.spanId)) return;
    visited.add(span.spanId);
    rows.push({ span, depth, orphan });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1, false);
  };
  for (const span of sorted) {
    const hasParent = span.parentSpanId !== null && ids.has(span.parentSpanId);
    if (!hasParent) visit(span, 0, span.parentSpanId !== null);
  }
  // Only a parent cycle (which no correct tracer sends) leaves spans unvisited: show them anyway.
  for (const span of sorted) visit(span, 0, true);
  return rows;
}

/** Where a span's bar starts and how long it is, in cells of a bar `width` cells wide. */
export function barPlacement(
  span: Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>,
  trace: Pick<Trace, 'startTimeUnixNano' | 'endTimeUnixNano'>,
  width: number,
): { offset: number; length: number } {
  const traceStart = BigInt(trace.startTimeUnixNano);
  const total = Number(BigInt(trace.endTimeUnixNano) - traceStart);
  if (total <= 0) return { offset: 0, length: 1 };
  const from = Number(BigInt(span.startTimeUnixNano) - traceStart) / total;
  const to = Number(BigInt(span.endTimeUnixNano) - traceStart) / total;
  const offset = Math.min(width - 1, Math.max(0, Math.floor(from * width)));
  // Even the shortest span gets one cell, so it stays visible.
  const end = Math.min(width, Math.max(offset + 1, Math.ceil(to * width)));
  return { offset, length: end - offset };
}
