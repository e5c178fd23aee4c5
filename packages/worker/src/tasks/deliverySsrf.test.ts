import { expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';

// A host that was acceptable when the webhook was made but resolves to a private address when a delivery goes out
// (DNS rebinding): the API process allows `localhost`, the worker's guard (allowlist empty) does not. The worker
// checks the address it connects to, so the delivery is refused and nothing reaches the receiver.
const { rx, call } = pipelineForFile(
  { OUTBOUND_ALLOWLIST: 'localhost,127.0.0.1' },
  { worker: { OUTBOUND_ALLOWLIST: '', WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms' } },
);

it('refuses at delivery time a host that now resolves to a private address, and sends nothing', async () => {
  const created = await call('POST', '/v1/webhooks', {
    url: `http://localhost:${rx.port}/rebound`,
    events: ['*'],
  });
  expect(created.status).toBe(201);
  const hookId = created.body.data.webhook.id;
  await call('POST', '/v1/events', { type: 'deal.won', data: { id: 'x' } });

  const end = Date.now() + 8000;
  let list: Array<Record<string, unknown>> = [];
  while (Date.now() < end) {
    list = (await call('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data;
    if (list[0]?.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(list[0]).toMatchObject({ status: 'failed', attempts_count: 1, last_status_code: null });
  const detail = await call('GET', `/v1/deliveries/${list[0]?.id}`);
  expect(detail.body.data.attempts[0]).toMatchObject({ status_code: null, error_code: 'blocked_address' });
  expect(rx.requests).toHaveLength(0);
});
