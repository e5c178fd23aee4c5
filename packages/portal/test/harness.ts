import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  apiCaller,
  CHROMIUM,
  CHROMIUM_AS_ROOT,
  CHROMIUM_FLAGS,
  late,
  type TestServer,
} from '@switchyard/server/testing';
import type { RunningWorker } from '@switchyard/worker';
import { startServerAndWorker } from '@switchyard/worker/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

// Shared by the portal's browser tests: the real server and worker on a test database, a real receiver, the
// machine's Chromium. Nothing of ours is replaced.

/** The machine's Chromium (Debian's package); the tests skip, saying why, when it is missing. */
export const HAS_CHROMIUM = CHROMIUM !== undefined;
export const SKIP_REASON = `SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium); the portal browser tests did not run`;

const PORTAL_DIR = fileURLToPath(new URL('../', import.meta.url));
/** Where every run writes its screenshots; `UPDATE_SCREENSHOTS=1` also refreshes the committed ones. */
export const OUTPUT_DIR = fileURLToPath(new URL('../test-output/', import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Builds the portal when `pnpm build` has not (the server serves packages/portal/dist). */
export async function ensurePortalBuilt(): Promise<void> {
  if (existsSync(`${PORTAL_DIR}dist/index.html`) && existsSync(`${PORTAL_DIR}dist/embed.js`)) return;
  const { build } = await import('vite');
  for (const mode of ['production', 'embed']) {
    await build({ root: PORTAL_DIR, configFile: `${PORTAL_DIR}vite.config.ts`, mode, logLevel: 'warn' });
  }
}

/** One request the receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP server on 127.0.0.1 recording what it receives (answers 200 with a short body). */
export interface Receiver {
  url: string;
  got: Received[];
  /** What it answers from now on (200 at first): a test makes an endpoint fail, then recover. */
  status: number;
  /** Resolves with the first request matching `test` (already received or arriving within `ms`). */
  next(test: (r: Received) => boolean, ms?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(
  routes: Record<string, { type: string; body: string }> = {},
): Promise<Receiver> {
  const got: Received[] = [];
  const waiters: { test: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const page = routes[path.split('?')[0] ?? ''];
      if (page) {
        res.writeHead(200, { 'content-type': page.type }).end(page.body);
        return;
      }
      const r = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      got.push(r);
      for (const w of waiters.splice(0))
        if (w.test(r)) w.resolve(r);
        else waiters.push(w);
      const status = receiver.status;
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status < 300 ? 'ok from the receiver' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    got,
    status: 200,
    next(test, ms = 30_000) {
      const seen = got.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the receiver got no matching request in time')), ms);
        waiters.push({
          test,
          resolve: (r) => {
            clearTimeout(t);
            resolve(r);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}

/** A JSON body as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type ApiBody = any;

/** The API server (serving the built portal) and a worker on one test database. */
export interface Stack {
  srv: TestServer;
  worker: RunningWorker;
  /** Calls the REST API with the account's secret key (or `key`). */
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: ApiBody }>;
  close(): Promise<void>;
}

export async function startStack(settings: Record<string, string> = {}): Promise<Stack> {
  await ensurePortalBuilt();
  const { srv, worker, close } = await startServerAndWorker(settings);
  const call = apiCaller(srv);
  return { srv, worker, api: (method, path, body, key) => call(method, path, body, { key }), close };
}

/** What a browser test runs on: the stack, a receiver and Chromium. */
export interface PortalRig {
  stack: Stack;
  rx: Receiver;
  browser: Browser;
}

/**
 * Starts a {@link PortalRig} before the tests of the calling `describe` (call it first in it, so its own
 * `beforeAll` runs after) and closes it after them; what it returns reads through to the running parts.
 */
export function portalRig(
  opts: { settings?: Record<string, string>; files?: Parameters<typeof startReceiver>[0] } = {},
): PortalRig {
  let rig: PortalRig | undefined;
  beforeAll(async () => {
    const rx = await startReceiver(opts.files);
    const [stack, browser] = await Promise.all([startStack(opts.settings), launchBrowser()]);
    rig = { stack, rx, browser };
  }, 120_000);
  afterAll(async () => {
    await rig?.browser.close();
    await Promise.all([rig?.stack.close(), rig?.rx.close()]);
  });
  return {
    stack: late(() => rig?.stack, 'the stack'),
    rx: late(() => rig?.rx, 'the receiver'),
    browser: late(() => rig?.browser, 'the browser'),
  };
}

/**
 * Chromium with the tests' flags (loopback only, no sandbox as root); Playwright gives it a profile folder of its
 * own.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: !CHROMIUM_AS_ROOT,
    args: [...CHROMIUM_FLAGS],
  });
}

/** A 1,024-pixel-wide page, the narrowest the portal is built for. */
export async function newPage(
  browser: Browser,
  opts: { colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1024, height: 768 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.stack ?? err.message));
  return page;
}

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA violations on the page as it is now (rule id and the elements, for a readable failure). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the portal's CSP (script-src 'self') stays on.
  await page.evaluate(await AXE_SOURCE);
  const result = await page.evaluate(async () => {
    type Result = { violations: { id: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } }).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Saves a screenshot under test-output/ (and screenshots/ with UPDATE_SCREENSHOTS=1, for the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}${name}.png` });
  if (process.env.UPDATE_SCREENSHOTS) {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` });
  }
}

/** Drags from one element's centre to another's with the mouse, in steps, as a person would. */
export async function drag(page: Page, from: string, to: string): Promise<void> {
  const a = await page.locator(from).boundingBox();
  const b = await page.locator(to).boundingBox();
  if (!a || !b) throw new Error(`cannot drag ${from} to ${to}: not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}
