import { createLogger, type Env, parseEnv } from '@switchyard/server';
import {
  apiCaller,
  type Receiver,
  startReceiver,
  startTestServer,
  type TestServer,
} from '@switchyard/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningWorker, startWorker } from '../main.ts';

// A host that was acceptable when the webhook was made but resolves to a private address when a delivery goes out
// (DNS rebinding): the API process allows `localhost`, the worker's guard (allowlist empty) does not. The worker
// checks the address it connects to, so the delivery is refused and nothing reaches the receiver.
let srv: TestServer;
let rx: Receiver;
let worker: RunningWorker;

beforeAll(async () => {
  [srv, rx] = await Promise.all([
    startTestServer({ OUTBOUND_ALLOWLIST: 'localhost,127.0.0.1' }),
    startReceiver(),
  ]);
  const env = parseEnv({
    DATABASE_URL: srv.db.url,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '',
    WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms',
  }) as Env & { DATABASE_URL: string };
  worker = await startWorker({ env, logger: createLogger('silent', 'test'), pollIntervalMs: 100 });
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([srv?.close(), rx?.close()]);
});

it('refuses at delivery time a host that now resolves to a private address, and sends nothing', async () => {
  const call = apiCaller(srv);
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
