import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { portalCsp } from './static.ts';

let srv: TestServer;
let dir: string;
const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sy-portal-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Portal</title>');
  await writeFile(path.join(dir, 'assets', 'index-abc123.js'), script);
  await writeFile(path.join(dir, 'embed.js'), 'window.Switchyard = {};');
  await writeFile(path.join(os.tmpdir(), 'sy-outside.txt'), 'secret');
  srv = await startTestServer({ PORTAL_DIR: dir, PORTAL_ALLOWED_ORIGINS: 'https://app.example.com' });
});
afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /portal', () => {
  it('serves the page for every app path, framable by the allowed origins only', async () => {
    for (const p of ['/portal/', '/portal/workflows/0190', '/portal/webhooks']) {
      const res = await fetch(`${srv.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text()).toContain('<title>Portal</title>');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'self' https://app.example.com");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
    }
    const bare = await fetch(`${srv.url}/portal?x=1`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/portal/?x=1');
  });

  it('caches fingerprinted assets for a year, compresses them, and answers 304 to a known ETag', async () => {
    const res = await fetch(`${srv.url}/portal/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe(script);
    const raw = await import('node:http').then(
      (http) =>
        new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
          http.get(
            `${srv.url}/portal/assets/index-abc123.js`,
            { headers: { 'accept-encoding': 'gzip' } },
            (r) => {
              const chunks: Buffer[] = [];
              r.on('data', (c: Buffer) => chunks.push(c));
              r.on('end', () =>
                resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }),
              );
            },
          );
        }),
    );
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(raw.body).toString()).toBe(script);
    const again = await fetch(`${srv.url}/portal/assets/index-abc123.js`, {
      headers: { 'if-none-match': res.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('serves embed.js to other origins for a short time', async () => {
    const res = await fetch(`${srv.url}/portal/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('answers 404 for a missing file and never leaves its folder', async () => {
    const missing = await fetch(`${srv.url}/portal/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
    for (const p of [
      '/portal/..%2fsy-outside.txt',
      '/portal/%2e%2e/sy-outside.txt',
      '/portal/assets/..%2f..%2fsy-outside.txt',
    ]) {
      const res = await fetch(`${srv.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('says how to build it when the folder is empty', async () => {
    const empty = await startTestServer({ PORTAL_DIR: path.join(dir, 'assets', 'none') });
    try {
      const res = await fetch(`${empty.url}/portal/`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.message).toContain('pnpm build');
    } finally {
      await empty.close();
    }
  });
});

describe('PORTAL_ALLOWED_ORIGINS', () => {
  it('takes origins only, and frames by this server alone when unset', () => {
    expect(
      parseEnv({ PORTAL_ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173' }).PORTAL_ALLOWED_ORIGINS,
    ).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(() => parseEnv({ PORTAL_ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(
      /PORTAL_ALLOWED_ORIGINS/,
    );
    expect(() => parseEnv({ PORTAL_ALLOWED_ORIGINS: 'https://a.example; script-src *' })).toThrow(
      /PORTAL_ALLOWED_ORIGINS/,
    );
    expect(portalCsp([])).toContain("frame-ancestors 'self'");
  });
});
