import { verifyWebhookSignature } from '@switchyard/client';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, drag, HAS_CHROMIUM, newPage, portalRig, SKIP_REASON, screenshot } from './harness.ts';

if (!HAS_CHROMIUM) console.warn(`portal browser tests ${SKIP_REASON}`);

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="24"><rect width="80" height="24" rx="4" fill="#0f766e"/></svg>';

// One user's whole day in the portal, in order: the steps share the stack, the browser and ada's page.
describe.skipIf(!HAS_CHROMIUM)('the portal in Chromium', () => {
  const { stack, rx, browser } = portalRig({ files: { '/logo.svg': { type: 'image/svg+xml', body: LOGO } } });
  let page: Page;
  let workflowId: string;
  let adaToken: string;

  async function sessionUrl(userKey: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await stack.api('POST', '/v1/portal/sessions', { user_key: userKey, ...extra });
    expect(res.status).toBe(201);
    return res.body.data.url;
  }

  async function event(userKey: string, data: Record<string, unknown>, type = 'deal.won') {
    const res = await stack.api('POST', '/v1/events', { type, user_key: userKey, data });
    expect(res.status).toBe(202);
  }

  beforeAll(async () => {
    // Ada has branding, and one deal.won event already (the builder suggests its fields as merge tokens).
    const ada = await stack.api('PUT', '/v1/users/ada', {
      name: 'Ada’s CRM',
      config: { primary_color: '#0f766e', logo_url: `${rx.url}/logo.svg` },
    });
    expect(ada.status).toBe(200);
    await event('ada', { id: 'd-1', name: 'First deal', amount: 5 });
    page = await newPage(browser);
  }, 120_000);

  it('opens a fresh session link: the code leaves the address bar, the branding applies', async () => {
    await page.goto(await sessionUrl('ada'));
    await expect
      .poll(() => page.getByRole('heading', { name: 'Workflows', exact: true }).isVisible())
      .toBe(true);
    expect(page.url()).not.toContain('code=');
    expect(page.url()).toMatch(/\/portal\/workflows$/);
    const primary = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--sy-primary'),
    );
    expect(primary.trim()).toBe('#0f766e');
    expect(await page.locator('img.logo').getAttribute('src')).toBe(`${rx.url}/logo.svg`);
    expect(await page.locator('.brand').textContent()).toContain('Ada’s CRM');
    adaToken = (await page.evaluate(() => sessionStorage.getItem('switchyard.portal.token'))) as string;
    expect(adaToken).toMatch(/^ps_/);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('builds Start → Delay (2 s) → Webhook by gestures, saving the draft as it goes, and publishes it', async () => {
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByLabel('Name').fill('Deal won follow-up');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Deal won follow-up' }).isVisible()).toBe(true);
    workflowId = page.url().split('/').pop() as string;

    // Start: the trigger from the catalog, and a condition on the deal.
    await page.getByLabel('Starts when').selectOption('deal.won');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Field').fill('amount');
    await page.getByLabel('Operator').selectOption('greater_than');
    await page.getByLabel('Value').fill('100');

    // Delay from the palette (a click), 2 seconds.
    await page.getByTestId('palette-Delay').click();
    await page.getByLabel('Wait').fill('2');
    await page.getByLabel('Unit').selectOption('sec');
    // Webhook dragged from the palette onto the canvas.
    const canvas = (await page.getByTestId('canvas').boundingBox()) as {
      x: number;
      y: number;
      height: number;
    };
    const delay = (await page.getByTestId('node-delay_1').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.getByTestId('palette-Webhook').dragTo(page.getByTestId('canvas'), {
      targetPosition: {
        x: delay.x + delay.width / 2 - canvas.x,
        y: Math.min(delay.y + delay.height + 90 - canvas.y, canvas.height - 20),
      },
    });
    await expect.poll(() => page.getByTestId('node-webhook_1').isVisible()).toBe(true);
    await page.getByRole('combobox', { name: 'URL', exact: true }).fill(`${rx.url}/flow`);
    await page
      .getByRole('combobox', { name: 'Headers (one “Name: value” per line)' })
      .fill('X-User: {{user.key}}');
    // Merge tokens come from the trigger's fields: typing {{ offers them.
    const params = page.getByRole('combobox', { name: 'Body fields (one “key: value” per line)' });
    await params.fill('deal: {{deal.na');
    await expect.poll(() => page.getByRole('option', { name: '{{deal.name}}' }).isVisible()).toBe(true);
    await params.press('Enter');
    await expect.poll(() => params.inputValue()).toBe('deal: {{deal.name}}');
    await params.press('End');
    await params.pressSequentially('\namount: {{deal.amount}}');

    // Connect by dragging from each step's bottom handle to the next one's top handle.
    await drag(
      page,
      '[data-testid="node-start"] .react-flow__handle-bottom',
      '[data-testid="node-delay_1"] .react-flow__handle-top',
    );
    await drag(
      page,
      '[data-testid="node-delay_1"] .react-flow__handle-bottom',
      '[data-testid="node-webhook_1"] .react-flow__handle-top',
    );
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await expect
      .poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 })
      .toBe('All changes saved');
    await page.getByTestId('node-webhook_1').click();
    await screenshot(page, 'builder');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Published' }).isVisible()).toBe(true);

    const saved = (await stack.api('GET', `/v1/workflows/${workflowId}`)).body.data;
    expect(saved).toMatchObject({ user_key: 'ada', template_status: 'published', event_trigger: 'deal.won' });
    expect(saved.trigger_conditions).toEqual({
      all: [{ field: 'amount', operator: 'greater_than', value: '100' }],
    });
    const template = saved.template as { nodes: any[]; edges: string[]; positions: Record<string, unknown> };
    expect([...template.edges].sort()).toEqual(['delay_1-webhook_1', 'start-delay_1']);
    expect(template.nodes.find((n) => n.id === 'delay_1')).toMatchObject({
      type: 'Delay',
      delay_n: 2,
      delay_unit: 'sec',
    });
    expect(template.nodes.find((n) => n.id === 'webhook_1')).toMatchObject({
      type: 'Webhook',
      url: `${rx.url}/flow`,
      headers: 'X-User: {{user.key}}',
      params: 'deal: {{deal.name}}\namount: {{deal.amount}}',
    });
    expect(Object.keys(template.positions).sort()).toEqual(['delay_1', 'start', 'webhook_1']);
  });

  it('runs for a matching event: the run completes in the UI as the receiver gets the merged request', async () => {
    const sent = Date.now();
    await event('ada', { id: 'd-42', name: 'Acme renewal', amount: 5000 });
    await page.getByRole('link', { name: 'Runs' }).click();
    const row = page.getByTestId('runs').getByRole('link').first();
    await expect.poll(() => row.isVisible(), { timeout: 15_000 }).toBe(true);
    await row.click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toBe('completed');
    const got = await rx.next((r) => r.path === '/flow');
    expect(got.headers['x-user']).toBe('ada');
    expect(JSON.parse(got.body)).toEqual({ deal: 'Acme renewal', amount: '5000' });
    // The Delay held the request back for its 2 seconds.
    expect(got.at - sent).toBeGreaterThanOrEqual(2_000);
    expect(await page.getByTestId('step-webhook_1').getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('step-delay_1').getAttribute('data-status')).toBe('succeeded');
    await page.getByTestId('step-webhook_1').getByText('Output').click();
    await screenshot(page, 'run');
    expect(await axeViolations(page)).toEqual([]);

    // Per-step counts on the canvas.
    await page.goto(page.url().replace(/\/runs\/.*$/, `/workflows/${workflowId}`));
    await expect
      .poll(() => page.getByTestId('stats-webhook_1').textContent(), { timeout: 10_000 })
      .toContain('✓ 1');
    // The first event (amount 5) did not meet the condition: one run only.
    expect((await stack.api('GET', `/v1/executions?workflow_id=${workflowId}`)).body.data).toHaveLength(1);
  });

  it('adds a webhook endpoint in the portal and shows a delivery with its attempt', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(`${rx.url}/endpoint`);
    await page.getByLabel('Description').fill('Our CRM sync');
    await page.getByRole('checkbox', { name: 'deal.won' }).check();
    await page.getByRole('button', { name: 'Header' }).click();
    await page.getByLabel('Header name').fill('X-Portal');
    await page.getByLabel('Header value').fill('yes');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('secret').textContent()) as string;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: /I have saved it/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: `${rx.url}/endpoint` }).isVisible()).toBe(true);

    await event('ada', { id: 'd-43', name: 'Globex', amount: 50 });
    // Bob's events never reach ada's endpoint.
    await event('bob', { id: 'd-44', name: 'Bob deal', amount: 50 });
    const delivered = await rx.next((r) => r.path === '/endpoint');
    expect(delivered.headers['x-portal']).toBe('yes');
    expect(() =>
      verifyWebhookSignature(delivered.body, delivered.headers as Record<string, string>, secret),
    ).not.toThrow();
    expect(JSON.parse(delivered.body).data.name).toBe('Globex');

    const toggle = page.getByRole('button', { name: 'deal.won' }).first();
    await expect.poll(() => toggle.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => page.locator('.delivery').first().getAttribute('data-status'), { timeout: 15_000 })
      .toBe('succeeded');
    await toggle.click();
    const attempt = page.locator('.attempt').first();
    await expect.poll(() => attempt.isVisible()).toBe(true);
    expect(await attempt.textContent()).toContain('Attempt 1');
    expect(await attempt.locator('.code').textContent()).toBe('200');
    expect(await attempt.locator('pre').textContent()).toBe('ok from the receiver');
    await screenshot(page, 'delivery-log');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Send test ping' }).click();
    await expect.poll(() => page.getByTestId('test-result').textContent()).toContain('succeeded');
    expect(rx.got.filter((r) => r.path === '/endpoint' && r.body.includes('Bob deal'))).toEqual([]);
  });

  it("shows none of another user's workflows or endpoints, in the UI and through the API with its token", async () => {
    const bobFlow = await stack.api('POST', '/v1/workflows', { name: 'Bob secret flow', user_key: 'bob' });
    const bobHook = await stack.api('POST', '/v1/webhooks', {
      url: `${rx.url}/bob`,
      events: ['*'],
      user_key: 'bob',
    });
    expect([bobFlow.status, bobHook.status]).toEqual([201, 201]);

    await page.getByRole('link', { name: 'Workflows' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Deal won follow-up' }).isVisible()).toBe(true);
    expect(await page.getByText('Bob secret flow').count()).toBe(0);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect.poll(() => page.getByRole('link', { name: `${rx.url}/endpoint` }).isVisible()).toBe(true);
    expect(await page.getByText(`${rx.url}/bob`).count()).toBe(0);
    await page.goto(page.url().replace(/\/webhooks$/, `/workflows/${bobFlow.body.data.id}`));
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not found');

    const mine = await stack.api('GET', '/v1/workflows', undefined, adaToken);
    expect(mine.body.data.map((w: { name: string }) => w.name)).toEqual(['Deal won follow-up']);
    expect(
      (await stack.api('GET', `/v1/workflows/${bobFlow.body.data.id}`, undefined, adaToken)).status,
    ).toBe(404);
    const hooks = await stack.api('GET', '/v1/webhooks', undefined, adaToken);
    expect(hooks.body.data.map((h: { url: string }) => h.url)).toEqual([`${rx.url}/endpoint`]);
    expect(
      (await stack.api('GET', `/v1/webhooks/${bobHook.body.data.webhook.id}`, undefined, adaToken)).status,
    ).toBe(404);
    const trpc = await fetch(`${stack.srv.url}/trpc/workflows.list?input=${encodeURIComponent('{}')}`, {
      headers: { authorization: `Bearer ${adaToken}` },
    });
    const names = ((await trpc.json()) as any).result.data.data.map((w: { name: string }) => w.name);
    expect(names).toEqual(['Deal won follow-up']);

    // Bob's own session sees his, and not ada's.
    const bob = await newPage(browser);
    await bob.goto(await sessionUrl('bob'));
    await expect.poll(() => bob.getByRole('link', { name: 'Bob secret flow' }).isVisible()).toBe(true);
    expect(await bob.getByText('Deal won follow-up').count()).toBe(0);
    await bob.context().close();
  });

  it('is usable in the dark theme and by keyboard alone', async () => {
    const dark = await newPage(browser, { colorScheme: 'dark' });
    await dark.goto(await sessionUrl('ada'));
    await expect
      .poll(() => dark.getByRole('heading', { name: 'Workflows', exact: true }).isVisible())
      .toBe(true);
    expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await axeViolations(dark)).toEqual([]);
    // Tab to the workflow, open it with Enter, add a step from the palette with Enter.
    const link = dark.getByRole('link', { name: 'Deal won follow-up' });
    await link.focus();
    await dark.keyboard.press('Enter');
    await expect.poll(() => dark.getByTestId('palette-Condition').isVisible()).toBe(true);
    await dark.getByTestId('palette-Condition').focus();
    await dark.keyboard.press('Enter');
    await expect.poll(() => dark.getByTestId('node-condition_1').isVisible()).toBe(true);
    // …and connect it through the settings panel's select, no mouse.
    await dark.getByTestId('node-webhook_1').click();
    await dark.getByLabel('Connect to').selectOption('condition_1');
    await expect.poll(() => dark.locator('.react-flow__edge').count()).toBe(3);
    expect(await dark.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await dark.context().close();
  });

  it('an expired session shows the expiry screen, and the API answers 401', async () => {
    await stack.srv.deps.pool.query(`update portal_sessions set expires_at = now() - interval '1 second'`);
    await page.reload();
    await expect.poll(() => page.getByTestId('session-ended').getAttribute('data-reason')).toBe('expired');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your session has expired');
    const res = await stack.api('GET', '/v1/workflows', undefined, adaToken);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: 'invalid_key',
      details: [expect.objectContaining({ reason: 'session_expired' })],
    });
    // The token is gone from the tab as well.
    expect(await page.evaluate(() => sessionStorage.getItem('switchyard.portal.token'))).toBeNull();
  });
});
