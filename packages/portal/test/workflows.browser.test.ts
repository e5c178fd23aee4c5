import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, newPage, portalRig, SKIP_REASON } from './harness.ts';

if (!HAS_CHROMIUM) console.warn(`portal workflow tests ${SKIP_REASON}`);

// The list's actions, the builder's layout and publish problems, and the run controls (start, stop, rerun).
describe.skipIf(!HAS_CHROMIUM)('managing workflows and runs in the portal', () => {
  // One attempt per step, so a failing Webhook fails its run at once.
  const { stack, rx, browser } = portalRig({ settings: { WORKFLOW_STEP_MAX_ATTEMPTS: '1' } });
  let page: Page;

  beforeAll(async () => {
    // The account's stop events are what the Start step offers (seed 004's drop-down).
    expect(
      (await stack.api('PATCH', '/v1/account', { stop_events: ['unsubscribed', 'deal_closed'] })).status,
    ).toBe(200);
    const res = await stack.api('POST', '/v1/portal/sessions', { user_key: 'grace' });
    page = await newPage(browser);
    await page.goto(res.body.data.url);
    await page.getByRole('heading', { name: 'Workflows', exact: true }).waitFor();
  }, 120_000);

  async function workflows() {
    return (await stack.api('GET', '/v1/workflows?user_key=grace')).body.data as {
      id: string;
      name: string;
      enabled: boolean;
    }[];
  }

  it('creates, renames, clones, disables and deletes workflows from the list', async () => {
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByLabel('Name').fill('Onboarding');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Onboarding' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: '← Workflows' }).click();

    await page.getByRole('button', { name: 'Rename Onboarding' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Onboarding v2');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Onboarding v2' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Clone Onboarding v2' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Onboarding v2 (copy)' }).isVisible()).toBe(true);

    await page.getByRole('switch', { name: 'Disable Onboarding v2 (copy)' }).click();
    await expect
      .poll(async () => (await workflows()).find((w) => w.name === 'Onboarding v2 (copy)')?.enabled)
      .toBe(false);
    expect(await page.getByRole('switch', { name: 'Enable Onboarding v2 (copy)' }).isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Delete Onboarding v2 (copy)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => (await workflows()).map((w) => w.name)).toEqual(['Onboarding v2']);
    await expect.poll(() => page.getByRole('link', { name: 'Onboarding v2 (copy)' }).count()).toBe(0);
  });

  it('lays out a template saved without positions, and shows publish problems on their steps', async () => {
    const made = await stack.api('POST', '/v1/workflows', {
      name: 'From the API',
      user_key: 'grace',
      event_trigger: 'deal.won',
      template: {
        nodes: [
          { id: 's', type: 'Start' },
          { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'min' },
          { id: 'a', type: 'Webhook', url: `${rx.url}/a` },
          { id: 'b', type: 'Webhook', url: `${rx.url}/b` },
          { id: 'lonely', type: 'Delay', delay_n: 1, delay_unit: 'day' },
        ],
        edges: ['s-wait', 'wait-a', 'wait-b'],
      },
    });
    expect(made.status).toBe(201);
    await page.goto(page.url().replace(/\/workflows$/, `/workflows/${made.body.data.id}`));
    await expect.poll(() => page.getByTestId('node-lonely').isVisible()).toBe(true);
    // Laid out in layers: start above wait above the two webhooks, side by side.
    const box = async (id: string) =>
      (await page.getByTestId(`node-${id}`).boundingBox()) as { x: number; y: number };
    await expect.poll(async () => (await box('wait')).y > (await box('s')).y).toBe(true);
    const [wait, a, b] = [await box('wait'), await box('a'), await box('b')];
    expect(a.y).toBeGreaterThan(wait.y);
    expect(a.y).toBe(b.y);
    expect(a.x).not.toBe(b.x);

    // The Start step offers the account's stop events.
    await page.getByTestId('node-s').click();
    const stop = page.getByLabel('Stop running executions on');
    expect(await stop.locator('option').allTextContents()).toEqual([
      'No stop event',
      'unsubscribed',
      'deal_closed',
    ]);
    await stop.selectOption('unsubscribed');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('All changes saved');
    expect((await stack.api('GET', `/v1/workflows/${made.body.data.id}`)).body.data.stop_event_draft).toBe(
      'unsubscribed',
    );

    // "lonely" is not reachable from Start: publishing says so on that step.
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByTestId('node-lonely').textContent()).toContain('1 problem');
    expect(await page.getByTestId('problems').textContent()).toMatch(/lonely/);
    expect(await page.getByTestId('node-a').textContent()).not.toContain('problem');
    expect((await stack.api('GET', `/v1/workflows/${made.body.data.id}`)).body.data.template_status).toBe(
      'draft',
    );
  });

  it('starts a waiting run, stops one, and reruns a failed one from the run page', async () => {
    // auto_start off: each trigger waits for a manual start. The receiver answers 500 for now: the step fails.
    rx.status = 500;
    const wf = await stack.api('POST', '/v1/workflows', {
      name: 'Manual',
      user_key: 'grace',
      event_trigger: 'deal.won',
      auto_start: false,
      template_status: 'published',
      template: {
        nodes: [
          { id: 's', type: 'Start' },
          { id: 'call', type: 'Webhook', url: `${rx.url}/call` },
        ],
        edges: ['s-call'],
        positions: { s: { x: 0, y: 0 }, call: { x: 0, y: 150 } },
      },
    });
    expect(wf.status).toBe(201);
    for (const id of ['d1', 'd2']) {
      await stack.api('POST', '/v1/events', { type: 'deal.won', user_key: 'grace', data: { id } });
    }
    await page.goto(page.url().replace(/\/workflows\/.*$/, `/workflows/${wf.body.data.id}/runs`));
    await expect.poll(() => page.getByTestId('runs').getByText('waiting').count()).toBe(2);

    await page.getByTestId('runs').getByRole('link').first().click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('waiting');
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('stopped');

    await page.getByRole('link', { name: '← Runs' }).click();
    await page.getByTestId('runs').getByRole('link').nth(1).click();
    await page.getByRole('button', { name: 'Start now' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('failed');
    expect(await page.getByTestId('step-call').getAttribute('data-status')).toBe('failed');

    // The receiver is back: the rerun runs the failed step again, and it succeeds.
    rx.status = 200;
    await page.getByRole('button', { name: 'Rerun from the failed step' }).click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 })
      .toBe('completed');
    expect(rx.got.filter((r) => r.path === '/call')).toHaveLength(2);
  });

  it('logs out: the session ends at once, in the page and for the API', async () => {
    const token = (await page.evaluate(() => sessionStorage.getItem('switchyard.portal.token'))) as string;
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByTestId('session-ended').getAttribute('data-reason')).toBe('logged_out');
    const res = await stack.api('GET', '/v1/workflows', undefined, token);
    expect(res.status).toBe(401);
    expect(res.body.error.details[0].reason).toBe('session_revoked');
  });
});
