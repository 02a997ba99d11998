import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FAULT_GRAMMAR } from '@dogbook/tracing';
import type { Span, Trace } from '@dogbook/trace-viewer';
import { chromiumIsAvailable, launchChromium } from '../src/browser';
import { nginxIsAvailable } from '../src/nginx-requirement';
import { startStack, type Stack } from '../src/stack';
import { spansOf, waitForTrace } from '../src/traces';

/*
 * The DogBook page and the trace viewer's page in a real browser (Chromium, driven by
 * playwright-core), through real nginx, the three built services and the real viewer: a click in
 * the browser, the trace that starts there, and that trace found and read on the viewer's page.
 */
const runs = nginxIsAvailable('the browser tests do not run') && chromiumIsAvailable();

const LEARNER = 'floor';
/** The service name the page is built with: its package's own name (packages/web/build.mjs). */
const webPackage = readFileSync(join(__dirname, '..', '..', '..', 'packages', 'web', 'package.json'), 'utf8');
const WEB = (JSON.parse(webPackage) as { name: string }).name.replace(/^@[^/]+\//, '');

/** The trace of one click: the browser's fetch span, and kennels' server span with its look-ups. */
function clickTrace(stack: Stack, traceId: string, dogLookUps: number): Promise<Trace> {
  return waitForTrace(
    stack.viewer!,
    traceId,
    (trace) =>
      spansOf(trace, { service: WEB, kind: 'CLIENT' }).length === 1 &&
      spansOf(trace, { service: 'kennels', kind: 'SERVER' }).length === 1 &&
      spansOf(trace, { name: 'dogs.find_dog' }).length === dogLookUps,
    15_000,
  );
}

/** The trace id the page shows under the dogs: `trace <32 hex>`. */
async function shownTraceId(page: Page): Promise<string> {
  const text = await page.locator('#trace').textContent({ timeout: 10_000 });
  const match = /^trace ([0-9a-f]{32})$/.exec(text ?? '');
  if (!match) throw new Error(`the page shows no trace id: ${JSON.stringify(text)}`);
  return match[1]!;
}

describe.skipIf(!runs)('DogBook in a browser, traced from the click', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ gateway: true }), launchChromium()]);
    // A phone's width: the page must work there without scrolling sideways.
    context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('when a learner names themselves and picks a kennel with the keyboard alone, then its dogs show, and the trace starts in the browser with kennels under it, the name on both', async () => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const answer = await page.goto(stack.gateway!.url);
    expect(answer?.headers()['content-security-policy']).toBe("default-src 'self'");
    await page.getByRole('button', { name: 'some other kennel' }).waitFor();

    // Keyboard only: Tab to the name field, type, Tab on along the kennels to kennel 2, Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('learner');
    await page.keyboard.type(LEARNER);
    const focused = () => page.evaluate<string>('document.activeElement.textContent');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('awesome kennel');
    for (let tabs = 0; tabs < 3 && (await focused()) !== 'some other kennel'; tabs++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('some other kennel');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.locator('#dogs li').allTextContents(), { timeout: 10_000 }).toEqual(['Möhre', 'Jack', 'Charlie']);
    expect(await page.evaluate<string>("localStorage.getItem('dogbook.learner')")).toBe(LEARNER);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    const trace = await clickTrace(stack, await shownTraceId(page), 3);
    const [fetchSpan] = spansOf(trace, { service: WEB, kind: 'CLIENT' });
    const [server] = spansOf(trace, { service: 'kennels', kind: 'SERVER' });
    expect(trace.rootServiceName).toBe(WEB);
    expect(fetchSpan).toMatchObject({ parentSpanId: null, attributes: { 'dogbook.learner': LEARNER } });
    expect(server).toMatchObject({ parentSpanId: fetchSpan!.spanId, name: 'GET /api/v1/kennels/:id' });
    expect(server!.attributes['dogbook.learner']).toBe(LEARNER);
    // Everything the page asked for, its spans included, came from its own origin.
    await expect.poll(() => requested.some((url) => url.endsWith('/v1/traces'))).toBe(true);
    expect(requested.filter((url) => !url.startsWith(`${stack.gateway!.url}/`))).toEqual([]);
    // The page's own load is a trace of the browser's too.
    expect(stack.viewer!.traces().some((t) => t.rootServiceName === WEB && t.spans.some((s) => s.name === 'documentLoad'))).toBe(true);

    // On the viewer's page: find the trace among the learner's, open it, read kennels' span.
    const viewer = await context.newPage();
    await viewer.goto(`${stack.viewer!.url}/?learner=${LEARNER}`);
    const listed = viewer.locator(`[data-trace-id="${trace.traceId}"]`);
    await listed.waitFor({ timeout: 10_000 });
    // The browser's fetch span is named after its method alone: the list adds the path it asked for.
    expect(await listed.textContent()).toMatch(new RegExp(`^${WEB}: GET /api/v1/kennels/2 `));
    await listed.click();
    await expect.poll(() => viewer.url()).toBe(`${stack.viewer!.url}/traces/${trace.traceId}?learner=${LEARNER}`);
    const rows = viewer.locator('#waterfall li');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(trace.spanCount);
    expect(await rows.first().locator('.service').textContent()).toBe(WEB);
    // Each service has its own colour, the same on each of its rows.
    type Element = { textContent: string | null; style: { color: string } };
    const colours = await rows
      .locator('.service')
      .evaluateAll((services: Element[]) => services.map((service): [string, string] => [service.textContent ?? '', service.style.color]));
    const colourOf = new Map(colours);
    expect([...colourOf.keys()].sort()).toEqual(['dogs', 'inventory', 'kennels', WEB]);
    expect(new Set(colourOf.values()).size).toBe(4);
    expect(colours.every(([service, colour]) => colourOf.get(service) === colour)).toBe(true);
    const serverRow = viewer.locator(`[data-span-id="${server!.spanId}"]`);
    expect(await serverRow.locator('.service').textContent()).toBe('kennels');
    // One level under the browser's span.
    expect(await serverRow.locator('.label').getAttribute('style')).toBe('padding-left: 1rem;');
    await serverRow.click();
    const attribute = (name: string) => viewer.locator('#span tr', { has: viewer.locator('th', { hasText: name }) }).locator('td');
    expect(await attribute('dogbook.learner').first().textContent()).toBe(LEARNER);
    expect(await attribute('http.route').textContent()).toBe('/api/v1/kennels/:id');
    expect(await attribute('parent span id').textContent()).toBe(fetchSpan!.spanId);
    expect(await attribute('kind').textContent()).toBe('SERVER');
    await viewer.close();
  });

  test('when a failing dog is picked for the next request, then the page shows that dog without a name, and the viewer marks the failed span', async () => {
    await page.goto(stack.gateway!.url);
    await page.getByLabel(/A failing dog/).check();
    await page.getByRole('button', { name: 'some other kennel' }).click();

    await expect
      .poll(() => page.locator('#dogs li').allTextContents(), { timeout: 10_000 })
      .toEqual(['dog 3: no name (the dogs service did not answer)', 'Jack', 'Charlie']);
    // The fault was for that request only.
    expect(await page.getByLabel('None').isChecked()).toBe(true);

    const trace = await clickTrace(stack, await shownTraceId(page), 3);
    const failed = spansOf(trace, { name: 'dogs.find_dog' }).find((span) => span.attributes['dogbook.dog.id'] === 3)!;
    expect(failed.status).toEqual({ code: 'ERROR', message: 'injected fault: dogbook.fault.dogs.3=error' });

    const viewer = await context.newPage();
    await viewer.goto(`${stack.viewer!.url}/traces/${trace.traceId}`);
    const row = viewer.locator('#waterfall li', { has: viewer.locator(`[data-span-id="${failed.spanId}"]`) });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('class')).toBe('failed');
    expect(await row.textContent()).toContain('✗ dogs.find_dog');
    expect(await row.textContent()).toContain('injected fault: dogbook.fault.dogs.3=error');
    const healthy = spansOf(trace, { name: 'dogs.find_dog' }).find((span: Span) => span.attributes['dogbook.dog.id'] === 4)!;
    expect(
      await viewer.locator('#waterfall li', { has: viewer.locator(`[data-span-id="${healthy.spanId}"]`) }).getAttribute('class'),
    ).toBeNull();
    // The exception the dogs service recorded, as an event of the span.
    await row.locator('button').click();
    await expect.poll(() => viewer.locator('#span caption', { hasText: 'Event "exception"' }).count()).toBe(1);
    await viewer.close();
  });

  test('when the API answers with an error, then the page shows its text as the API wrote it', async () => {
    await page.goto(stack.gateway!.url);
    await page.getByLabel('A failing inventory').check();
    await page.getByRole('button', { name: 'some other kennel' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toMatch(/^Kennel 2: 502 answer\. .*inventory/);
    expect(await page.locator('#dogs li').count()).toBe(0);

    // A name outside the grammar: kennels refuses it with a 400 that states the grammar.
    await page.getByLabel('Your name').fill('not a name!');
    await page.getByRole('button', { name: 'awesome kennel', exact: true }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 10_000 })
      .toBe(`Kennel 0: 400 answer. baggage member "dogbook.learner=not a name!" is not a learner name; ${FAULT_GRAMMAR}`);
    await page.getByLabel('Your name').fill(LEARNER);
  });

  test('when a span holds HTML in its name and attributes, then the viewer page shows it as text and runs nothing', async () => {
    const html = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const traceId = 'ab'.repeat(16);
    const spanId = 'cd'.repeat(8);
    const response = await fetch(`${stack.viewer!.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: html } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId,
                    name: html,
                    kind: 1,
                    startTimeUnixNano: '1700000000000000000',
                    endTimeUnixNano: '1700000000100000000',
                    attributes: [{ key: html, value: { stringValue: html } }],
                    events: [{ timeUnixNano: '1700000000050000000', name: html, attributes: [] }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);

    const viewer = await context.newPage();
    await viewer.goto(`${stack.viewer!.url}/traces/${traceId}`);
    await viewer.locator(`[data-span-id="${spanId}"]`).click({ timeout: 10_000 });
    await viewer.locator('#span table').first().waitFor();

    expect(await viewer.locator(`[data-span-id="${spanId}"] .service`).textContent()).toBe(html);
    expect(await viewer.locator('#span h3').textContent()).toBe(`${html}: ${html}`);
    const cell = viewer.locator('#span tr', { has: viewer.locator('th', { hasText: 'onerror' }) }).locator('td');
    expect(await cell.textContent()).toBe(html);
    expect(await viewer.locator('#span caption', { hasText: 'Event' }).textContent()).toContain(html);
    expect(await viewer.evaluate<number>("document.querySelectorAll('img, b').length")).toBe(0);
    expect(await viewer.evaluate<unknown>('window.pwned')).toBeUndefined();
    // The list on the front page too.
    await viewer.goto(`${stack.viewer!.url}/`);
    await viewer.locator(`[data-trace-id="${traceId}"]`).waitFor({ timeout: 10_000 });
    expect(await viewer.evaluate<number>("document.querySelectorAll('img, b').length")).toBe(0);
    await viewer.close();
  });
});
