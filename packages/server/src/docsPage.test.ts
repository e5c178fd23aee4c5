import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumProfile, serverForFile } from './testing/index.ts';

const run = promisify(execFile);
const browser = CHROMIUM;

const srv = serverForFile();

describe('/docs', () => {
  it('serves the page and its script from this server, with no CDN', async () => {
    const page = await (await fetch(`${srv.url}/docs`)).text();
    const scripts = [...page.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/docs/standalone.js']);
    expect(page).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${srv.url}/docs/standalone.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  // Renders the page in a real headless browser and reads the DOM it built from /openapi.json.
  const title = browser
    ? 'renders the API reference in headless Chromium, listing our operations'
    : 'renders the API reference in a browser (SKIPPED: no Chromium at /usr/bin/chromium; apt-get install chromium)';
  it.skipIf(!browser)(
    title,
    async () => {
      const { stdout } = await run(
        browser as string,
        [
          ...CHROMIUM_FLAGS,
          '--disable-gpu',
          '--disable-dev-shm-usage',
          `--user-data-dir=${await chromiumProfile('docs')}`,
          '--virtual-time-budget=15000',
          '--dump-dom',
          `${srv.url}/docs`,
        ],
        { timeout: 45_000, maxBuffer: 64 * 1024 * 1024 },
      );
      // Every tag of the document is in the navigation, and the first section's operations are rendered in full.
      const doc = (await (await fetch(`${srv.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
      };
      const tags = new Set(
        Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])),
      );
      expect(tags.size).toBeGreaterThanOrEqual(2);
      for (const tag of tags) expect(stdout).toMatch(new RegExp(`>\\s*${tag}\\s*<`));
      // The first operation of the document (the first section) is rendered with its summary.
      const first = Object.values(Object.values(doc.paths)[0] ?? {})[0]?.summary;
      expect(first).toEqual(expect.any(String));
      expect(stdout).toContain(first);
      expect(stdout).toContain('Switchyard');
    },
    60_000,
  );
});
