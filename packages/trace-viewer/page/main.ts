/**
 * The trace viewer's web page: the traces of GET /api/traces, newest first, filtered and updated
 * as they arrive, and one trace as a waterfall. `/traces/<trace id>` opens that trace, so the id in
 * a `traceresponse` header makes a link. It reads nothing but this viewer's own JSON API.
 */
import type { Trace } from '../src/trace';
import { el, formatMs, renderTrace, serviceColor } from './trace-view';

/** How often the page asks for new traces, while it is visible. */
const POLL_MS = 2000;
const TRACE_PATH = /^\/traces\/([0-9a-fA-F]{32})$/;

const filters = document.getElementById('filters') as HTMLFormElement;
const field = (name: string) => filters.elements.namedItem(name) as HTMLInputElement;
const serviceSelect = filters.elements.namedItem('service') as HTMLSelectElement;

let traces: Trace[] = [];
let openTraceId: string | undefined;
let selectedSpanId: string | undefined;

async function getJson<T>(path: string): Promise<T | undefined> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  return response.ok ? ((await response.json()) as T) : undefined;
}

/** The filters live in the address too (?learner=alice&errors=1), so a filtered list is a link. */
function readFiltersFromAddress(): void {
  const query = new URLSearchParams(location.search);
  field('learner').value = query.get('learner') ?? '';
  field('minMs').value = query.get('minMs') ?? '';
  field('errors').checked = query.get('errors') === '1';
  serviceSelect.dataset.wanted = query.get('service') ?? '';
}

function writeFiltersToAddress(): void {
  const query = new URLSearchParams();
  if (field('learner').value.trim()) query.set('learner', field('learner').value.trim());
  if (serviceSelect.value) query.set('service', serviceSelect.value);
  if (field('errors').checked) query.set('errors', '1');
  if (field('minMs').value) query.set('minMs', field('minMs').value);
  const search = query.size > 0 ? `?${query}` : '';
  history.replaceState(null, '', `${location.pathname}${search}`);
}

function matches(trace: Trace): boolean {
  const learner = field('learner').value.trim();
  const service = serviceSelect.value;
  const minMs = Number(field('minMs').value || 0);
  return (
    (!learner || trace.learners.includes(learner)) &&
    (!service || trace.spans.some((span) => span.serviceName === service)) &&
    (!field('errors').checked || trace.errorCount > 0) &&
    trace.durationMs >= minMs
  );
}

/** Every service seen, as the service filter's choices; the chosen one stays chosen. */
function updateServiceChoices(): void {
  const wanted = serviceSelect.value || serviceSelect.dataset.wanted || '';
  const services = [...new Set(traces.flatMap((trace) => trace.spans.map((span) => span.serviceName)))].sort();
  if (wanted && !services.includes(wanted)) services.push(wanted);
  const options = services.map((service) => {
    const option = el('option', service);
    option.value = service;
    return option;
  });
  const any = el('option', 'any');
  any.value = '';
  serviceSelect.replaceChildren(any, ...options);
  serviceSelect.value = wanted;
}

/**
 * What the trace's root did: its span name, and for a browser's `fetch` span, named after its
 * method alone (`GET`), the path it asked for.
 */
function rootLabel(trace: Trace): string {
  const root = trace.spans.find((span) => span.parentSpanId === null);
  if (!root) return '(root not received)';
  const url = root.attributes['url.full'];
  if (!/^[A-Z]+$/.test(root.name) || typeof url !== 'string' || !URL.canParse(url)) return root.name;
  return `${root.name} ${new URL(url).pathname}`;
}

function renderList(): void {
  const list = document.getElementById('traces')!;
  // Redrawing replaces the buttons: keyboard focus moves to the new button of the same trace.
  const focused = (document.activeElement as HTMLElement | null)?.dataset.traceId;
  const shown = traces.filter(matches);
  const items = shown.map((trace) => {
    const button = el('button');
    button.type = 'button';
    button.dataset.traceId = trace.traceId;
    if (trace.traceId === openTraceId) button.setAttribute('aria-current', 'true');
    const root = el('span', trace.rootServiceName ?? '?');
    root.style.color = serviceColor(trace.rootServiceName ?? '?');
    const errors = trace.errorCount > 0 ? el('span', ` ✗ ${trace.errorCount}`, 'error-mark') : '';
    const learners = trace.learners.length > 0 ? `  learner ${trace.learners.join(', ')}` : '';
    const time = new Date(Number(BigInt(trace.startTimeUnixNano) / 1_000_000n)).toLocaleTimeString();
    button.append(
      root,
      `: ${rootLabel(trace)}  ${formatMs(trace.durationMs)}`,
      errors,
      el('span', `${time}  ${trace.spanCount} spans  ${trace.traceId}${learners}`, 'meta'),
    );
    button.addEventListener('click', () => openTrace(trace.traceId, true));
    const li = el('li');
    li.append(button);
    return li;
  });
  list.replaceChildren(...items);
  document.getElementById('list-status')!.textContent =
    `${shown.length} of ${traces.length} traces${traces.length === 0 ? ': send a request, and its trace appears here' : ''}`;
  if (focused) list.querySelector<HTMLElement>(`[data-trace-id="${CSS.escape(focused)}"]`)?.focus();
}

async function renderOpenTrace(): Promise<void> {
  const section = document.getElementById('trace')!;
  if (!openTraceId) {
    section.hidden = true;
    return;
  }
  const trace = await getJson<Trace>(`/api/traces/${openTraceId}`);
  section.hidden = false;
  if (!trace) {
    document.getElementById('trace-title')!.textContent = `Trace ${openTraceId}`;
    document.getElementById('trace-summary')!.textContent = 'Not here (yet): the viewer keeps the newest traces only.';
    document.getElementById('waterfall')!.replaceChildren();
    document.getElementById('span')!.replaceChildren();
    return;
  }
  const focused = (document.activeElement as HTMLElement | null)?.dataset.spanId;
  renderTrace(trace, selectedSpanId, (spanId) => {
    selectedSpanId = spanId;
    void renderOpenTrace();
  });
  if (focused) document.querySelector<HTMLElement>(`#waterfall [data-span-id="${CSS.escape(focused)}"]`)?.focus();
}

function openTrace(traceId: string | undefined, push: boolean): void {
  openTraceId = traceId?.toLowerCase();
  selectedSpanId = undefined;
  if (push) history.pushState(null, '', `${openTraceId ? `/traces/${openTraceId}` : '/'}${location.search}`);
  renderList();
  void renderOpenTrace();
}

async function refresh(): Promise<void> {
  const latest = await getJson<Trace[]>('/api/traces');
  if (latest) traces = latest;
  updateServiceChoices();
  renderList();
  if (openTraceId) await renderOpenTrace();
}

filters.addEventListener('input', () => {
  writeFiltersToAddress();
  renderList();
});
filters.addEventListener('submit', (event) => event.preventDefault());
window.addEventListener('popstate', () => openTrace(TRACE_PATH.exec(location.pathname)?.[1], false));

readFiltersFromAddress();
openTrace(TRACE_PATH.exec(location.pathname)?.[1], false);
void refresh();
setInterval(() => {
  if (!document.hidden) void refresh().catch(() => {});
}, POLL_MS);
