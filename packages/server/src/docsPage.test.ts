import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serverForFile } from './testing/index.ts';

const run = promisify(execFile);
const browser = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);

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
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          // Left to itself Chromium reaches for update and account hosts; nothing but loopback may be contacted.
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--no-default-browser-check',
          '--disable-sync',
          '--disable-features=MediaRouter,OptimizationHints',
          `--user-data-dir=${await mkdtemp(path.join(os.tmpdir(), 'switchyard-docs-chromium-'))}`,
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
