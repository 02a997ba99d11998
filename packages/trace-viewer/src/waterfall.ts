import { styleText } from 'node:util';
import { barPlacement, waterfallRows } from './layout';
import type { Span, Trace } from './trace';

export { barPlacement, waterfallRows, type WaterfallRow } from './layout';

export interface WaterfallOptions {
  /** ANSI colours; the caller decides (a TTY without NO_COLOR). */
  color?: boolean;
  /** Cells in the timeline bar. */
  barWidth?: number;
  /** Longest indented span name before it is cut with an ellipsis. */
  maxNameWidth?: number;
  /** A note after the trace id, e.g. that this is an update with late spans. */
  note?: string;
  /** The terminal's width: span lines are fitted into it, the bar and the names narrowed first. */
  columns?: number;
}

/** A colour or modifier name, or a list of them. */
type Style = Parameters<typeof styleText>[0];

const SERVICE_COLORS: readonly Style[] = ['cyan', 'magenta', 'yellow', 'green', 'blue'];

/**
 * Text from a span, made safe for a terminal: span fields are whatever a sender wrote (a learner
 * name, a status message), and an escape sequence or a carriage return in one could clear the
 * screen or forge lines. Control characters (C0, DEL, C1) and the bidirectional overrides that
 * reorder what a line shows are removed.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '');
}

export function formatDuration(ms: number): string {
  return `${ms < 1 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * A trace as text, one line per span (bars shortened here):
 *
 *   trace e79669f515eb977fb93e5496938d767e  kennels: GET /api/v1/kennels/:id  246.5 ms, 18 spans
 *   kennels    GET /api/v1/kennels/:id                246.5 ms  |████████████████████|
 *   kennels      kennels.find_kennel                   0.34 ms  |█                   |
 *   kennels      kennels.fetch_dog_ids                124.7 ms  |██████████          |
 *   ...
 *   dogs               dogs.find_dog                  100.5 ms  |          █████████ |
 *
 * The bar is the span's place on the trace's own timeline, so spans that overlap (the parallel
 * dog look-ups) show as bars on the same stretch of it.
 */
export function renderWaterfall(trace: Trace, options: WaterfallOptions = {}): string {
  const { color = false, columns } = options;
  let { barWidth = 40, maxNameWidth = 48 } = options;
  const paint = (style: Style, text: string) => (color ? styleText(style, text, { validateStream: false }) : text);

  const rows = waterfallRows(trace.spans).map((row) => ({
    ...row,
    span: {
      ...row.span,
      serviceName: printable(row.span.serviceName),
      name: printable(row.span.name),
      status: { ...row.span.status, message: row.span.status.message && printable(row.span.status.message) },
    },
  }));
  const serviceColors = new Map<string, Style>();
  for (const { span } of rows) {
    if (!serviceColors.has(span.serviceName)) {
      serviceColors.set(span.serviceName, SERVICE_COLORS[serviceColors.size % SERVICE_COLORS.length]!);
    }
  }
  const serviceWidth = Math.max(...rows.map(({ span }) => span.serviceName.length));
  const durationWidth = Math.max(...rows.map(({ span }) => formatDuration(span.durationMs).length));
  let nameWidth = Math.min(maxNameWidth, Math.max(...rows.map(({ span, depth }) => depth * 2 + span.name.length)));
  if (columns !== undefined) {
    // Marks (an error's message) keep up to 32 columns of their own at the end of their line.
    const markText = (span: Span, orphan: boolean) =>
      (span.status.code === 'ERROR' ? `  ✗ ${span.status.message ?? 'error'}` : '') + (orphan ? '  (parent not received)' : '');
    const markWidth = Math.min(32, Math.max(...rows.map(({ span, orphan }) => markText(span, orphan).length)));
    // service, name, duration and the bar's two edges, with two spaces between each.
    const room = columns - serviceWidth - durationWidth - 2 - 3 * 2 - markWidth;
    barWidth = Math.max(10, Math.min(barWidth, room - Math.min(nameWidth, 24)));
    nameWidth = Math.max(8, Math.min(nameWidth, room - barWidth));
  }

  const summary = [
    trace.rootSpanName ? printable(`${trace.rootServiceName}: ${trace.rootSpanName}`) : 'root span not received',
    `${formatDuration(trace.durationMs)}, ${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}`,
    // Whose request this was, so people sharing one stack (a workshop) can spot their own traces.
    trace.learners.length ? printable(`learner ${trace.learners.join(', ')}`) : '',
    trace.errorCount ? paint(['red', 'bold'], `${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}`) : '',
    trace.droppedSpans ? `${trace.droppedSpans} spans dropped` : '',
    options.note ?? '',
  ].filter(Boolean);
  const lines = [`${paint('bold', `trace ${printable(trace.traceId)}`)}  ${summary.join('  ')}`];

  for (const { span, depth, orphan } of rows) {
    const serviceColor = serviceColors.get(span.serviceName)!;
    const isError = span.status.code === 'ERROR';
    const { offset, length } = barPlacement(span, trace, barWidth);
    const bar = ' '.repeat(offset) + paint(isError ? 'red' : serviceColor, '█'.repeat(length)) + ' '.repeat(barWidth - offset - length);
    const marks: [Style, string][] = [
      ...(isError ? [[['red', 'bold'], `✗ ${span.status.message ?? 'error'}`] as [Style, string]] : []),
      ...(orphan ? [['dim', '(parent not received)'] as [Style, string]] : []),
    ];
    // What is left of the line, with the terminal's width, for the marks (an error's message).
    let room = columns === undefined ? Infinity : columns - (serviceWidth + nameWidth + durationWidth + barWidth + 2 + 3 * 2);
    const shown: string[] = [];
    for (const [style, text] of marks) {
      room -= 2;
      if (room < 2) break;
      const cut = text.length > room ? fit(text, room) : text;
      shown.push(paint(style, cut));
      room -= cut.length;
    }
    const line = [
      paint(serviceColor, span.serviceName.padEnd(serviceWidth)),
      fit(' '.repeat(depth * 2) + span.name, nameWidth),
      formatDuration(span.durationMs).padStart(durationWidth),
      `|${bar}|`,
      ...shown,
    ].join('  ');
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
