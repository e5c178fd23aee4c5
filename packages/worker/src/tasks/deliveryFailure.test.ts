import { apiCaller, waitUntil } from '@switchyard/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { decodeQuotedPrintable, pipelineForFile } from '../testSupport.ts';

// An endpoint failing for longer than WEBHOOK_DISABLE_AFTER_DAYS (compressed to about a second) is disabled:
// a `webhook.disabled` event goes to the other subscribers and, with notify_on_failure, an e-mail goes to the
// account's notification address through a real SMTP server.
const DISABLE_AFTER_DAYS = String(1 / 86_400);
const SCHEDULE = `0,${Array.from({ length: 20 }, () => '150ms').join(',')}`;

const { srv, rx, sink } = pipelineForFile(
  {
    WEBHOOK_RETRY_SCHEDULE: SCHEDULE,
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_DISABLE_AFTER_DAYS: DISABLE_AFTER_DAYS,
  },
  { smtp: 'mailer' },
);
beforeAll(async () => {});

it('disables a webhook failing for longer than the limit, emits webhook.disabled and e-sink.mails the account', async () => {
  const call = apiCaller(srv);
  const settings = await call('PATCH', '/v1/account', { notification_email: 'ops@example.com' });
  expect(settings.status).toBe(200);
  rx.reply = (req) => (req.path === '/failing' ? { status: 500, body: 'still down' } : { status: 200 });
  const watcher = await call('POST', '/v1/webhooks', {
    url: `${rx.url}/watcher`,
    events: ['webhook.disabled'],
  });
  expect(watcher.status).toBe(201);
  const created = await call('POST', '/v1/webhooks', {
    url: `${rx.url}/failing`,
    events: ['deal.*'],
    description: 'Flaky CRM sync',
    notify_on_failure: true,
  });
  const hookId = created.body.data.webhook.id;
  const started = Date.now();
  await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd1' } });

  const hook = await waitUntil(async () => {
    const h = (await call('GET', `/v1/webhooks/${hookId}`)).body.data;
    return h.status === 'disabled' ? h : undefined;
  });
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(hook.disabled_reason).toMatch(/^Every delivery failed since /);
  expect(hook.failing_since_at_utc).toEqual(expect.any(String));
  const [delivery] = (await call('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data;
  expect(delivery).toMatchObject({ status: 'failed' });
  expect(delivery.attempts_count).toBeGreaterThan(3);

  const notice = await waitUntil(() => rx.requests.find((r) => r.path === '/watcher'));
  expect(JSON.parse(notice.body)).toMatchObject({ type: 'webhook.disabled', data: { id: hookId } });
  const events = await call('GET', '/v1/events?type=webhook.disabled');
  expect(events.body.data).toHaveLength(1);

  const mail = await waitUntil(() => sink.mails[0]);
  expect(mail.to).toEqual(['ops@example.com']);
  expect(mail.raw).toContain('Subject: Webhook disabled: Flaky CRM sync');
  const body = decodeQuotedPrintable(mail.raw);
  expect(body).toContain(`Webhook id: ${hookId}`);
  expect(body).toContain(`PATCH /v1/webhooks/${hookId}  {"active": true}`);
  expect(body).toContain(`POST /v1/webhooks/${hookId}/recover`);
});

it('a success resets the failure clock: a flaky endpoint is not disabled', async () => {
  const call = apiCaller(srv);
  let i = 0;
  rx.reply = (req) => (req.path === '/flaky' ? { status: i++ % 2 === 0 ? 500 : 200 } : { status: 200 });
  const created = await call('POST', '/v1/webhooks', { url: `${rx.url}/flaky`, events: ['contact.*'] });
  const hookId = created.body.data.webhook.id;
  for (let k = 0; k < 6; k++) {
    await call('POST', '/v1/events', { type: 'contact.updated', data: { id: `c${k}` } });
    await new Promise((r) => setTimeout(r, 250));
  }
  await waitUntil(async () => {
    const list = (await call('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data as Array<{
      status: string;
    }>;
    return list.length === 6 && list.every((d) => d.status === 'succeeded') ? list : undefined;
  });
  expect((await call('GET', `/v1/webhooks/${hookId}`)).body.data.status).toBe('active');
});
