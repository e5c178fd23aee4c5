import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, newPage, SKIP_REASON, type Stack, startStack } from './harness.ts';

if (!HAS_CHROMIUM) console.warn(`portal embedding tests ${SKIP_REASON}`);

/** A host app's page on its own origin: it loads embed.js from the Switchyard server and mounts a session link. */
function hostPage(apiUrl: string, sessionUrl: string, declarative: boolean): string {
  const script = `${apiUrl}/portal/embed.js`;
  const mount = declarative
    ? `<script src="${script}" data-target="#portal" data-url="${sessionUrl}" data-height="600px"></script>`
    : `<script src="${script}"></script>
       <script>
         window.portalEvents = [];
         Switchyard.mount({ element: '#portal', url: ${JSON.stringify(sessionUrl)}, theme: 'dark',
           onEvent: (e) => window.portalEvents.push(e) });
       </script>`;
  return `<!doctype html><html lang="en"><title>Host app</title><h1>Host app</h1><div id="portal"></div>${mount}</html>`;
}

describe.skipIf(!HAS_CHROMIUM)('embedding the portal with embed.js', () => {
  let stack: Stack;
  let browser: Browser;
  let host: http.Server;
  let hostPort: number;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    host = http.createServer((req, res) => {
      const body = pages.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/html' }).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostPort = (host.address() as AddressInfo).port;
    [stack, browser] = await Promise.all([
      startStack({ PORTAL_ALLOWED_ORIGINS: `http://127.0.0.1:${hostPort}` }),
      launchBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await new Promise<void>((resolve) => host?.close(() => resolve()));
  });

  async function mountOn(
    origin: string,
    path: string,
    declarative = false,
  ): Promise<{ page: Page; frame: Frame }> {
    const res = await stack.api('POST', '/v1/portal/sessions', { user_key: 'host-user' });
    expect(res.status).toBe(201);
    pages.set(path, hostPage(stack.srv.url, res.body.data.url, declarative));
    const page = await newPage(browser);
    await page.goto(`${origin}${path}`);
    await expect.poll(() => page.locator('#portal iframe').count()).toBe(1);
    const frame = page.frames().find((f) => f !== page.mainFrame()) as Frame;
    return { page, frame };
  }

  const events = (page: Page) =>
    page.evaluate(
      () =>
        (window as unknown as { portalEvents: { type: string; data: Record<string, unknown> }[] })
          .portalEvents,
    );

  it('mounts in the named element and tells the host when a workflow is saved, published and the session ends', async () => {
    const { page, frame } = await mountOn(`http://127.0.0.1:${hostPort}`, '/app');
    await expect
      .poll(() => frame.getByRole('heading', { name: 'Workflows', exact: true }).isVisible())
      .toBe(true);
    // The host asked for the dark theme.
    expect(await frame.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    await frame.getByRole('button', { name: 'New workflow' }).click();
    await frame.getByLabel('Name').fill('Embedded flow');
    await frame.getByRole('button', { name: 'Create' }).click();
    await frame.getByLabel('Starts when').selectOption('deal.won');
    await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain('workflow.saved');
    const saved = (await events(page)).find((e) => e.type === 'workflow.saved');
    expect(saved?.data).toMatchObject({ name: 'Embedded flow', workflow_id: expect.any(String) });

    await frame.getByTestId('palette-Delay').click();
    await frame.getByTestId('node-start').click();
    await frame.getByLabel('Connect to').selectOption('delay_1');
    await frame.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain('workflow.published');

    await stack.srv.deps.pool.query(`update portal_sessions set expires_at = now() - interval '1 second'`);
    await frame.getByRole('link', { name: 'Webhooks' }).click();
    await expect.poll(() => frame.getByTestId('session-ended').getAttribute('data-reason')).toBe('expired');
    await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain('session.expired');
    expect((await events(page)).find((e) => e.type === 'session.expired')?.data).toEqual({
      reason: 'expired',
    });
    await page.context().close();
  });

  it('mounts from the script tag alone (data-target, data-url)', async () => {
    const { page, frame } = await mountOn(`http://127.0.0.1:${hostPort}`, '/declarative', true);
    await expect
      .poll(() => frame.getByRole('heading', { name: 'Workflows', exact: true }).isVisible())
      .toBe(true);
    expect(await page.locator('#portal iframe').evaluate((f) => (f as HTMLIFrameElement).style.height)).toBe(
      '600px',
    );
    await page.context().close();
  });

  it('will not render inside a page whose origin PORTAL_ALLOWED_ORIGINS does not list', async () => {
    // localhost is another origin than 127.0.0.1: the browser enforces frame-ancestors and blocks the frame.
    const { page, frame } = await mountOn(`http://localhost:${hostPort}`, '/elsewhere');
    await page.waitForLoadState('load');
    await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
    expect(await frame.locator('#root').count()).toBe(0);
    await page.context().close();
  });
});
