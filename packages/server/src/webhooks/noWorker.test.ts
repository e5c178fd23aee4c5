import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller, type Receiver, startReceiver } from './testHelpers.ts';

// The API never calls out: with no worker running, what needs one (a test ping, a connection test) answers a clear
// 503 `unavailable` with Retry-After once SERVER_WORKER_WAIT_SECONDS is up, and nothing reaches the endpoint.
let srv: TestServer;
let rx: Receiver;
let call: ReturnType<typeof apiCaller>;
beforeAll(async () => {
  [srv, rx] = await Promise.all([startTestServer({ SERVER_WORKER_WAIT_SECONDS: '0.3' }), startReceiver()]);
  call = apiCaller(srv);
});
afterAll(async () => {
  await Promise.all([srv?.close(), rx?.close()]);
});

describe('no worker', () => {
  it('POST /v1/webhooks/{id}/test is 503 unavailable with Retry-After, quickly, and sends nothing', async () => {
    const created = await call('POST', '/v1/webhooks', { url: `${rx.url}/ping`, events: ['deal.won'] });
    expect(created.status).toBe(201);
    const t0 = performance.now();
    const res = await call('POST', `/v1/webhooks/${created.body.data.webhook.id}/test`, {});
    const ms = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(res.body.error.message).toMatch(/No worker answered within 0.3 s/);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(ms).toBeLessThan(3_000);
    expect(rx.requests).toHaveLength(0);
    // The job was taken back: a worker started later will not ping for a request that already failed.
    const { rows } = await srv.deps.pool.query(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'test_webhook'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('test_delivery at creation creates the webhook paused, its test failed for want of a worker', async () => {
    const res = await call('POST', '/v1/webhooks', {
      url: `${rx.url}/created`,
      events: ['deal.won'],
      test_delivery: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data.test_delivery).toMatchObject({ status: 'failed', status_code: null });
    expect(res.body.data.test_delivery.error).toMatch(/No worker answered/);
    expect(res.body.data.webhook).toMatchObject({ status: 'paused', active: false });
    expect(rx.requests).toHaveLength(0);
  });

  it('POST /v1/connections/{id}/test is 503 unavailable', async () => {
    const conn = await createConnection(call, { kind: 'host_endpoint', name: 'host', url: `${rx.url}/host` });
    const res = await call('POST', `/v1/connections/${conn.id}/test`, {});
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(rx.requests).toHaveLength(0);
  });
});
