import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePortalBuilt } from './harness.ts';

// What a browser downloads before the first screen, as `pnpm build` left it (built here when it has not run).
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** Most gzipped bytes of JavaScript the first screen may need; raise it knowingly. */
const FIRST_SCREEN_JS_GZIP = 110 * 1024;

let html: string;
let firstScreen: string[];
beforeAll(async () => {
  await ensurePortalBuilt();
  html = await readFile(`${DIST}index.html`, 'utf8');
  firstScreen = [...html.matchAll(/(?:src|href)="\/portal\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] as string,
  );
}, 120_000);

describe('the built portal', () => {
  it('loads the first screen in a small bundle, and the canvas only when a workflow opens', async () => {
    const js = firstScreen.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    let gz = 0;
    for (const f of js) {
      const code = await readFile(`${DIST}${f}`);
      gz += gzipSync(code, { level: 9 }).length;
      // React Flow and dagre are in their own chunks, loaded by the builder.
      expect(code.toString()).not.toContain('react-flow__');
      expect(code.toString()).not.toContain('dagre');
    }
    expect(gz).toBeLessThan(FIRST_SCREEN_JS_GZIP);
    const assets = await readdir(`${DIST}assets`);
    expect(assets.some((a) => /^Builder-.*\.js$/.test(a))).toBe(true);
  });

  it('fetches nothing from another host: no CDN script, stylesheet or font', async () => {
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    for (const f of (await readdir(`${DIST}assets`)).filter((a) => a.endsWith('.css'))) {
      const css = await readFile(`${DIST}assets/${f}`, 'utf8');
      expect(css, f).not.toMatch(/url\(\s*['"]?https?:/);
      expect(css, f).not.toContain('@import');
    }
  });

  it('ships embed.js as a classic script (no import or export a <script src> could not run)', async () => {
    const embed = await readFile(`${DIST}embed.js`, 'utf8');
    expect(embed).not.toMatch(/^\s*(?:import|export)\s/m);
    expect(embed).toContain('Switchyard');
    expect(embed.length).toBeLessThan(4096);
  });
});
