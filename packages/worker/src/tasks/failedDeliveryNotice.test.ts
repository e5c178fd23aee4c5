import { waitUntil } from '@switchyard/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { decodeQuotedPrintable, pipelineForFile } from '../testSupport.ts';

// notify_on_failure (seed 003's NotifyOnFailure: "notified whenever a webhook fails"): a delivery whose last attempt
// fails sends the account a notice, at most one per webhook per WEBHOOK_FAILURE_NOTICE_INTERVAL (an hour by default,
// 3 s here), each counting what failed since the last. A real worker delivers to a real receiver; the notices go
// through a real SMTP server.
const INTERVAL_MS = 3000;

const { rx, sink, call } = pipelineForFile(
  {
    WEBHOOK_RETRY_SCHEDULE: '0,50ms',
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_FAILURE_NOTICE_INTERVAL: `${INTERVAL_MS}ms`,
  },
  {
    smtp: 'mailer',
    otherwise: (req) => (req.path.startsWith('/down') ? { status: 503, body: 'down' } : { status: 200 }),
  },
);
beforeAll(async () => {});

async function failedCount(hookId: string): Promise<number> {
  const list = (await call('GET', `/v1/webhooks/${hookId}/deliveries?status=failed&limit=100`)).body.data;
  return list.length;
}

it('notifies once per interval when deliveries fail for good, counting what failed since; only when asked', async () => {
  expect((await call('PATCH', '/v1/account', { notification_email: 'ops@example.com' })).status).toBe(200);
  const hook = await call('POST', '/v1/webhooks', {
    url: `${rx.url}/down`,
    events: ['deal.updated'],
    description: 'Billing sync',
    notify_on_failure: true,
  });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  const hookId = hook.body.data.webhook.id as string;
  const quiet = await call('POST', '/v1/webhooks', { url: `${rx.url}/down-quiet`, events: ['deal.updated'] });
  const quietId = quiet.body.data.webhook.id as string;

  // The first failure: a notice at once.
  const t0 = Date.now();
  await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'inv-1' } });
  const first = await waitUntil(() => sink.mails[0]);
  expect(first.to).toEqual(['ops@example.com']);
  expect(first.raw).toContain('Subject: Webhook deliveries failed: Billing sync');
  const firstBody = decodeQuotedPrintable(first.raw);
  expect(firstBody).toContain('1 delivery to your webhook "Billing sync" failed for good since');
  expect(firstBody).toContain(`Webhook id: ${hookId}`);
  expect(firstBody).toContain('Last failure: deal.updated: HTTP 503');
  expect(firstBody).toContain(`POST /v1/webhooks/${hookId}/recover`);

  // Three more fail within the interval: no notice until it is over, then one that counts the three.
  for (const id of ['inv-2', 'inv-3', 'inv-4']) {
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id } });
  }
  await waitUntil(async () => ((await failedCount(hookId)) === 4 ? true : undefined));
  expect(Date.now() - t0).toBeLessThan(INTERVAL_MS);
  expect(sink.mails).toHaveLength(1);
  const second = await waitUntil(() => sink.mails[1]);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(INTERVAL_MS - 100);
  expect(decodeQuotedPrintable(second.raw)).toContain(
    '3 deliveries to your webhook "Billing sync" failed for good',
  );

  // The webhook that did not ask failed just as often and sent nothing; neither webhook was disabled.
  expect(await failedCount(quietId)).toBe(4);
  await new Promise((r) => setTimeout(r, 500));
  expect(sink.mails).toHaveLength(2);
  expect(sink.mails.every((m) => m.raw.includes('Billing sync'))).toBe(true);
  expect((await call('GET', `/v1/webhooks/${hookId}`)).body.data.status).toBe('active');
});
