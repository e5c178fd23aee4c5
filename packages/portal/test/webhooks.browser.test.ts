import { verifyWebhookSignature } from '@switchyard/client';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, newPage, portalRig, SKIP_REASON } from './harness.ts';

if (!HAS_CHROMIUM) console.warn(`portal webhook tests ${SKIP_REASON}`);

// The webhook portal past the first delivery: editing, secret rotation, retrying one delivery, recovering many.
describe.skipIf(!HAS_CHROMIUM)('the webhook portal', () => {
  // One attempt per delivery: a failure is final until retried.
  const { stack, rx, browser } = portalRig({ settings: { WEBHOOK_RETRY_SCHEDULE: '0' } });
  let page: Page;
  let hookId: string;
  let secret: string;

  const send = async (id: string, type = 'deal.won') =>
    expect((await stack.api('POST', '/v1/events', { type, user_key: 'lin', data: { id } })).status).toBe(202);

  beforeAll(async () => {
    const res = await stack.api('POST', '/v1/portal/sessions', { user_key: 'lin', features: ['webhooks'] });
    page = await newPage(browser);
    await page.goto(res.body.data.url);
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
  }, 120_000);

  it('opens on webhooks alone when the session has only that feature', async () => {
    expect(page.url()).toMatch(/\/portal\/webhooks$/);
    expect(await page.getByRole('link', { name: 'Workflows' }).count()).toBe(0);
  });

  it('refuses a bad URL at its field, then adds the endpoint; edits its events to a wildcard and a filter', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/x');
    await page.getByRole('checkbox', { name: 'deal.won' }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => page.locator('#wh-url-error').textContent()).toBeTruthy();
    expect(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Endpoint URL').fill(`${rx.url}/hook`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    secret = (await page.getByTestId('secret').textContent()) as string;
    await page.getByRole('button', { name: /I have saved it/ }).click();
    await page.getByRole('heading', { name: `${rx.url}/hook` }).waitFor();
    hookId = page.url().split('/').pop() as string;

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('checkbox', { name: 'All deal.*' }).check();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Field').fill('id');
    await page.getByLabel('Operator').selectOption('not_equals');
    await page.getByLabel('Value').fill('skip-me');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.facts').textContent()).toContain('deal.*');
    const saved = (await stack.api('GET', `/v1/webhooks/${hookId}`)).body.data;
    expect(saved).toMatchObject({ user_key: 'lin', events: ['deal.*'] });
    expect(saved.filters).toEqual({ all: [{ field: 'id', operator: 'not_equals', value: 'skip-me' }] });

    await send('skip-me', 'deal.lost');
    await send('kept', 'deal.lost');
    const got = await rx.next((r) => r.path === '/hook');
    expect(JSON.parse(got.body)).toMatchObject({ type: 'deal.lost', data: { id: 'kept' } });
    expect(() =>
      verifyWebhookSignature(got.body, got.headers as Record<string, string>, secret),
    ).not.toThrow();
    expect(rx.got.filter((r) => r.body.includes('skip-me'))).toEqual([]);
  });

  it('rotates the signing secret, shown once; deliveries are signed with the new one', async () => {
    await page.getByRole('button', { name: 'Rotate signing secret' }).click();
    const rotated = (await page.getByRole('dialog').getByTestId('secret').textContent()) as string;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    rx.got.length = 0;
    await send('after-rotation');
    const got = await rx.next((r) => r.body.includes('after-rotation'));
    expect(() =>
      verifyWebhookSignature(got.body, got.headers as Record<string, string>, rotated),
    ).not.toThrow();
  });

  it('retries one failed delivery, and recovers every failure since a time', async () => {
    rx.status = 500;
    for (const id of ['f1', 'f2', 'f3']) await send(id);
    await expect
      .poll(
        async () =>
          (await stack.api('GET', `/v1/webhooks/${hookId}/deliveries?status=failed`)).body.data.length,
        {
          timeout: 20_000,
        },
      )
      .toBe(3);
    rx.status = 200;
    await expect.poll(() => page.locator('.delivery[data-status="failed"]').count()).toBe(3);

    // Retry the newest one only.
    await page.getByRole('button', { name: 'Retry deal.won' }).first().click();
    await expect
      .poll(() => page.locator('.delivery[data-status="failed"]').count(), { timeout: 20_000 })
      .toBe(2);
    await page.locator('.delivery').first().getByRole('button').first().click();
    await expect.poll(() => page.locator('.delivery').first().locator('.attempt').count()).toBe(2);
    expect(await page.locator('.delivery').first().locator('.attempt .code').allTextContents()).toEqual([
      '500',
      '200',
    ]);

    // Recover the rest: every failure since an hour ago.
    await page.getByRole('button', { name: 'Recover' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'queued again' }).textContent())
      .toContain('2 failed deliveries');
    await expect
      .poll(() => page.locator('.delivery[data-status="failed"]').count(), { timeout: 20_000 })
      .toBe(0);
    for (const id of ['f1', 'f2', 'f3']) {
      expect(rx.got.filter((r) => r.body.includes(`"${id}"`)).length, id).toBe(2);
    }
  });
});
