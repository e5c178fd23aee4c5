import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

interface CachedFile {
  mtimeMs: number;
  type: string;
  etag: string;
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** The portal's build folder: PORTAL_DIR, else packages/portal/dist of this checkout. */
export function portalDir(env: Pick<Env, 'PORTAL_DIR'>): string {
  return path.resolve(env.PORTAL_DIR ?? fileURLToPath(new URL('../../../portal/dist/', import.meta.url)));
}

/** True for the paths the portal owns: `/portal` and everything under it. */
export function isPortalPath(pathname: string): boolean {
  return pathname === '/portal' || pathname.startsWith('/portal/');
}

/**
 * The Content-Security-Policy of the portal's page: everything from this server only (no CDN can run code in it),
 * inline styles for the canvas, logos from any https URL, and framing by PORTAL_ALLOWED_ORIGINS alone.
 */
export function portalCsp(allowedOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https: http:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    `frame-ancestors ${["'self'", ...allowedOrigins].join(' ')}`,
  ].join('; ');
}

/**
 * Serves the built portal under `/portal/`: hashed assets cached for a year, `index.html` for every page path (the
 * portal routes in the browser), `embed.js` for host pages. Files are read once per change and kept compressed.
 */
export function createPortalHandler(env: Pick<Env, 'PORTAL_DIR' | 'PORTAL_ALLOWED_ORIGINS'>) {
  const root = portalDir(env);
  const cache = new Map<string, CachedFile>();
  const csp = portalCsp(env.PORTAL_ALLOWED_ORIGINS);

  async function load(file: string): Promise<CachedFile | null> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = await readFile(file);
    const ext = path.extname(file);
    const entry: CachedFile = {
      mtimeMs: info.mtimeMs,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      body,
    };
    if (COMPRESSIBLE.has(ext) && body.length > 1024) {
      entry.br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
      entry.gzip = gzipSync(body, { level: 9 });
    }
    cache.set(file, entry);
    return entry;
  }

  function resolve(pathname: string): string | null {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.slice('/portal/'.length));
    } catch {
      return null;
    }
    if (rel.includes('\0')) return null;
    const file = path.resolve(root, rel);
    return file === root || file.startsWith(root + path.sep) ? file : null;
  }

  return async function servePortal(req: IncomingMessage, res: ServerResponse, pathname: string) {
    if (pathname === '/portal') {
      const query = (req.url ?? '').split('?')[1];
      res.statusCode = 308;
      res.setHeader('Location', `/portal/${query ? `?${query}` : ''}`);
      return void res.end();
    }
    const asked = resolve(pathname);
    if (asked === null) throw new AppError('not_found', `No file ${pathname}`);
    // A path with an extension is a file; any other is a page of the app, answered by its index.html.
    const isFile = path.extname(asked) !== '';
    const file = isFile ? asked : path.join(root, 'index.html');
    const entry = await load(file);
    if (!entry) {
      if (!isFile) throw new AppError('not_found', 'The portal is not built: run `pnpm build`');
      throw new AppError('not_found', `No file ${pathname}`);
    }
    const name = path.basename(file);
    res.setHeader('Content-Type', entry.type);
    res.setHeader('ETag', entry.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Vary', 'Accept-Encoding');
    if (name === 'index.html') {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', csp);
    } else if (name === 'embed.js') {
      // Host pages load it from their own origin; it is not fingerprinted, so it is cached briefly.
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    } else {
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    }
    if (req.headers['if-none-match'] === entry.etag) {
      res.statusCode = 304;
      return void res.end();
    }
    const accept = String(req.headers['accept-encoding'] ?? '');
    let body = entry.body;
    if (entry.br && /\bbr\b/.test(accept)) {
      res.setHeader('Content-Encoding', 'br');
      body = entry.br;
    } else if (entry.gzip && /\bgzip\b/.test(accept)) {
      res.setHeader('Content-Encoding', 'gzip');
      body = entry.gzip;
    }
    res.setHeader('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
