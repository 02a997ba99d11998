import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraceViewer, type TraceViewer } from '../src/viewer';

// The page itself runs in a real browser in tests/e2e (browser.test.ts); here, what the viewer serves.
describe('the web page, served beside the JSON API', () => {
  let viewer: TraceViewer;
  beforeAll(async () => {
    viewer = await startTraceViewer({ port: 0, print: false });
  });
  afterAll(async () => {
    await viewer.close();
  });

  it.each(['/', '/traces/4bf92f3577b34da6a3ce929d0e0e4736'])(
    'when %s is asked for, then the page comes with a policy that keeps its scripts and requests on this origin',
    async (path) => {
      const response = await fetch(`${viewer.url}${path}`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
      const html = await response.text();
      expect(html).toContain('<script type="module" src="/assets/main.js"></script>');
      expect(html).not.toMatch(/https?:\/\//);
    },
  );

  it("when the page's script and style are asked for, then they are served, under the same policy", async () => {
    for (const [asset, type] of [
      ['main.js', /^(text|application)\/javascript/],
      ['style.css', /^text\/css/],
    ] as const) {
      const response = await fetch(`${viewer.url}/assets/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(type);
      expect(response.headers.get('content-security-policy'), asset).toBe("default-src 'self'");
    }
  });

  it('when an asset does not exist, then the answer is a 404 JSON error, and the API still answers', async () => {
    const missing = await fetch(`${viewer.url}/assets/nothing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toHaveProperty('error');

    const api = await fetch(`${viewer.url}/api/traces`);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual([]);
  });
});
