/**
 * One trace as a waterfall: a row per span, children under their parents, each bar on the trace's
 * own time axis in its service's colour; a click on a row shows that span. Every value is set as
 * text (textContent): span names and attributes come from whoever sent them.
 */
import { barPlacement, waterfallRows } from '../src/layout';
import type { AttributeValue, Span, Trace } from '../src/trace';

/** Bar positions in per-mille of the trace's duration. */
const AXIS = 1000;
/** No red among them: red marks a failed span. */
const PALETTE = ['#2563eb', '#7c3aed', '#059669', '#d97706', '#0891b2', '#65a30d', '#4b5563', '#a16207'];

const colors = new Map<string, string>();

/** Each service its own colour, in the order the page meets them, the same in every trace. */
export function serviceColor(service: string): string {
  if (!colors.has(service)) colors.set(service, PALETTE[colors.size % PALETTE.length]!);
  return colors.get(service)!;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

export const formatMs = (ms: number) => `${ms < 1 ? ms.toFixed(2) : ms.toFixed(1)} ms`;

const show = (value: AttributeValue) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Nanoseconds after the trace started, as milliseconds. */
const offsetMs = (trace: Trace, unixNano: string) => Number(BigInt(unixNano) - BigInt(trace.startTimeUnixNano)) / 1e6;

function table(rows: Array<[string, string]>, caption: string): HTMLTableElement {
  const result = el('table');
  result.append(el('caption', caption));
  for (const [key, value] of rows) {
    const tr = el('tr');
    tr.append(el('th', key), el('td', value));
    result.append(tr);
  }
  return result;
}

function spanDetail(trace: Trace, span: Span): HTMLElement[] {
  const status = span.status.message ? `${span.status.code}: ${span.status.message}` : span.status.code;
  const parts: HTMLElement[] = [
    el('h3', `${span.serviceName}: ${span.name}`),
    table(
      [
        ['status', status],
        ['kind', span.kind],
        ['duration', formatMs(span.durationMs)],
        ['starts at', `+${formatMs(offsetMs(trace, span.startTimeUnixNano))}`],
        ['span id', span.spanId],
        ['parent span id', span.parentSpanId ?? '(none: the root)'],
        ['trace id', span.traceId],
      ],
      'Span',
    ),
    table(
      Object.entries(span.attributes).map(([key, value]) => [key, show(value)]),
      'Attributes',
    ),
  ];
  for (const event of span.events) {
    const rows = Object.entries(event.attributes).map(([key, value]): [string, string] => [key, show(value)]);
    const events = table(rows, `Event "${event.name}" at +${formatMs(offsetMs(trace, event.timeUnixNano))}`);
    // A stack trace keeps its lines.
    for (const cell of events.querySelectorAll('td')) {
      if (cell.textContent?.includes('\n')) cell.replaceChildren(el('pre', cell.textContent));
    }
    parts.push(events);
  }
  if (span.events.length === 0) parts.push(el('p', 'No events.', 'muted'));
  return parts;
}

/** Draws `trace` into the page's trace section; `selected` is the span id whose details show. */
export function renderTrace(trace: Trace, selected: string | undefined, onSelect: (spanId: string) => void): void {
  const errors = trace.errorCount === 1 ? '1 error' : `${trace.errorCount} errors`;
  const learners = trace.learners.length > 0 ? `, learner ${trace.learners.join(', ')}` : '';
  document.getElementById('trace-title')!.textContent = `Trace ${trace.traceId}`;
  document.getElementById('trace-summary')!.textContent =
    `${trace.rootServiceName ?? '?'}: ${trace.rootSpanName ?? '(root not received)'}, ${formatMs(trace.durationMs)}, ` +
    `${trace.spanCount} spans, ${errors}${learners}${trace.finished ? '' : ' (spans still arriving)'}`;

  const rows = waterfallRows(trace.spans).map(({ span, depth, orphan }) => {
    const button = el('button');
    button.type = 'button';
    button.dataset.spanId = span.spanId;
    if (span.spanId === selected) button.setAttribute('aria-current', 'true');
    const failed = span.status.code === 'ERROR';

    const label = el('span', undefined, 'label');
    const service = el('span', span.serviceName, 'service');
    service.style.color = serviceColor(span.serviceName);
    label.style.paddingLeft = `${depth}rem`;
    const note = orphan ? ' (parent not received)' : '';
    label.append(
      service,
      `${failed ? ' ✗' : ''} ${span.name}  ${formatMs(span.durationMs)}${failed ? `  ${span.status.message ?? 'error'}` : ''}${note}`,
    );

    const track = el('span', undefined, 'track');
    const bar = el('span', undefined, 'bar');
    const { offset, length } = barPlacement(span, trace, AXIS);
    bar.style.left = `${offset / (AXIS / 100)}%`;
    bar.style.width = `${length / (AXIS / 100)}%`;
    bar.style.background = serviceColor(span.serviceName);
    track.append(bar);

    button.append(label, track);
    button.addEventListener('click', () => onSelect(span.spanId));
    const li = el('li', undefined, failed ? 'failed' : undefined);
    li.dataset.status = span.status.code;
    li.append(button);
    return li;
  });
  document.getElementById('waterfall')!.replaceChildren(...rows);

  const span = trace.spans.find((candidate) => candidate.spanId === selected);
  const detail = document.getElementById('span')!;
  detail.replaceChildren(...(span ? spanDetail(trace, span) : [el('p', 'Click a span to see its attributes and events.', 'muted')]));
}
