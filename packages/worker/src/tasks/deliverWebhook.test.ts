import { waitUntil } from '@switchyard/server/testing';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';

// A real server and a real worker on one test database, real receivers on 127.0.0.1, and a compressed schedule:
// three attempts, 250 ms apart, no jitter.
const SCHEDULE = { WEBHOOK_RETRY_SCHEDULE: '0,250ms,250ms', WEBHOOK_RETRY_JITTER: '0' };

// Each test routes its own path.
const { call, route } = pipelineForFile({ ...SCHEDULE, WORKER_CONCURRENCY: '4' });

async function subscribe(url: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/webhooks', { url, events: ['deal.*'], ...body });
  expect(res.status).toBe(201);
  return res.body.data.webhook as { id: string; secret: string };
}

async function deliveriesOf(webhookId: string) {
  return (await call('GET', `/v1/webhooks/${webhookId}/deliveries`)).body.data as Array<Record<string, any>>;
}

async function settled(webhookId: string, count = 1) {
  return waitUntil(async () => {
    const list = await deliveriesOf(webhookId);
    return list.length >= count && list.every((d) => d.status !== 'pending') ? list : undefined;
  });
}

describe('webhook delivery by the worker', () => {
  it('delivers a signed { type, timestamp, data } that the standardwebhooks package verifies', async () => {
    const r = route();
    const hook = await subscribe(r.url);
    const ev = await call('POST', '/v1/events', {
      type: 'deal.won',
      data: { id: 'd1', name: 'Acme', amount: 1200 },
      occurred_at: '2026-11-22T09:30:00Z',
    });
    expect(ev.status).toBe(202);
    const [req] = await waitUntil(() => (r.got().length > 0 ? r.got() : undefined));
    const payload = new StandardWebhook(hook.secret).verify(req!.body, req!.headers);
    expect(payload).toEqual({
      type: 'deal.won',
      timestamp: '2026-11-22T09:30:00.000Z',
      data: { id: 'd1', name: 'Acme', amount: 1200 },
    });
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toBe('application/json');

    const [delivery] = await settled(hook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts_count: 1, event_id: ev.body.data.id });
    expect(req!.headers['webhook-id']).toBe(delivery!.id);
    const detail = await call('GET', `/v1/deliveries/${delivery!.id}`);
    expect(detail.body.data.attempts).toEqual([
      expect.objectContaining({ number: 1, status_code: 200, response_body: 'ok', error: null }),
    ]);
  });

  it('a receiver that fails twice, then succeeds, sees exactly three attempts on the schedule', async () => {
    const r = route((i) => (i < 2 ? { status: 503, body: `down ${i}` } : { status: 204 }));
    const hook = await subscribe(r.url);
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd2' } });
    const [delivery] = await settled(hook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts_count: 3 });
    // No fourth attempt comes later.
    await new Promise((res) => setTimeout(res, 600));
    const got = r.got();
    expect(got).toHaveLength(3);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(240);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(240);
    // Every attempt carries the same message id, so a receiver can deduplicate.
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1);
    const detail = await call('GET', `/v1/deliveries/${delivery!.id}`);
    expect(detail.body.data.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([
      503, 503, 204,
    ]);
    expect(detail.body.data.attempts[0].response_body).toBe('down 0');
  });

  it('gives up after the last attempt of the schedule', async () => {
    const r = route(() => ({ status: 500 }));
    const hook = await subscribe(r.url);
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd3' } });
    const [delivery] = await settled(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts_count: 3, last_status_code: 500 });
    expect(r.got()).toHaveLength(3);
    expect((await call('GET', `/v1/webhooks/${hook.id}`)).body.data.status).toBe('active');
  });

  it('410 Gone disables the webhook and emits webhook.disabled to other subscribers', async () => {
    const watcher = route();
    await subscribe(watcher.url, { events: ['webhook.disabled'] });
    const gone = route(() => ({ status: 410 }));
    const hook = await subscribe(gone.url);
    await call('POST', '/v1/events', { type: 'deal.lost', data: { id: 'd4' } });
    const [delivery] = await settled(hook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts_count: 1 });
    const after = (await call('GET', `/v1/webhooks/${hook.id}`)).body.data;
    expect(after).toMatchObject({
      status: 'disabled',
      active: false,
      disabled_reason: 'The endpoint answered 410 Gone',
    });
    const [notice] = await waitUntil(() => (watcher.got().length > 0 ? watcher.got() : undefined));
    expect(JSON.parse(notice!.body)).toMatchObject({
      type: 'webhook.disabled',
      data: { id: hook.id, url: gone.url, reason: 'The endpoint answered 410 Gone' },
    });
    // Disabled: later events are not delivered to it.
    await call('POST', '/v1/events', { type: 'deal.lost', data: { id: 'd4b' } });
    await new Promise((res) => setTimeout(res, 300));
    expect(gone.got()).toHaveLength(1);
  });

  it('429 Retry-After is honoured over a shorter schedule delay', async () => {
    const r = route((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const hook = await subscribe(r.url);
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd5' } });
    await settled(hook.id);
    const got = r.got();
    expect(got).toHaveLength(2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a paused webhook receives nothing until resumed, then only the new events', async () => {
    const r = route();
    const hook = await subscribe(r.url, { active: false });
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'while-paused' } });
    await new Promise((res) => setTimeout(res, 400));
    expect(r.got()).toHaveLength(0);
    await call('PATCH', `/v1/webhooks/${hook.id}`, { active: true });
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'after-resume' } });
    await waitUntil(() => r.got().length > 0);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.got().map((g) => JSON.parse(g.body).data.id)).toEqual(['after-resume']);
  });

  it('from→to filters deliver only the matching change', async () => {
    const r = route();
    await subscribe(r.url, {
      events: ['deal.updated'],
      filters: [{ field: 'status', from: 'Lost', to: 'Open' }],
    });
    const post = (status: string) =>
      call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'f1', status } });
    await post('Lost');
    await post('Won');
    await post('Lost');
    await post('Open'); // the only Lost → Open
    await post('Lost');
    await waitUntil(() => r.got().length > 0);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.got().map((g) => JSON.parse(g.body).data.status)).toEqual(['Open']);
  });

  it('form-encoded and text bodies, methods and custom headers arrive as configured', async () => {
    const form = route();
    const text = route();
    const formHook = await subscribe(form.url, {
      method: 'PUT',
      content_type: 'application/x-www-form-urlencoded',
      headers: { 'X-Webhook-Source': 'switchyard-test', 'x-api-key': 'k-123' },
    });
    await subscribe(text.url, { method: 'PATCH', content_type: 'text/plain' });
    await call('POST', '/v1/events', { type: 'deal.created', data: { id: 'd6', owner: { email: 'a@b.c' } } });
    const [f] = await waitUntil(() => (form.got().length > 0 ? form.got() : undefined));
    const [t] = await waitUntil(() => (text.got().length > 0 ? text.got() : undefined));
    expect(f!.method).toBe('PUT');
    expect(f!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(f!.headers['x-webhook-source']).toBe('switchyard-test');
    expect(f!.headers['x-api-key']).toBe('k-123');
    expect(Object.fromEntries(new URLSearchParams(f!.body))).toMatchObject({
      type: 'deal.created',
      'data[id]': 'd6',
      'data[owner][email]': 'a@b.c',
    });
    expect(() =>
      new StandardWebhook(formHook.secret).verify(f!.body, f!.headers, { jsonParse: false }),
    ).not.toThrow();
    expect(t!.method).toBe('PATCH');
    expect(t!.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(JSON.parse(t!.body)).toMatchObject({ type: 'deal.created', data: { id: 'd6' } });
    // The attempt log keeps header names but not custom header values.
    const [delivery] = await settled(formHook.id);
    const detail = await call('GET', `/v1/deliveries/${delivery!.id}`);
    expect(detail.body.data.attempts[0].request_headers['x-api-key']).toBe('[redacted]');
  });

  it('retries one delivery on demand and recovers failures since a time', async () => {
    let healthy = false;
    const r = route(() => (healthy ? { status: 200 } : { status: 500 }));
    const hook = await subscribe(r.url);
    const since = new Date(Date.now() - 1000).toISOString();
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'r1' } });
    await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'r2' } });
    const failed = await settled(hook.id, 2);
    expect(failed.map((d) => d.status)).toEqual(['failed', 'failed']);
    healthy = true;

    const retried = await call('POST', `/v1/deliveries/${failed[0]!.id}/retry`, {});
    expect(retried.status).toBe(202);
    expect(retried.body.data.status).toBe('pending');
    await waitUntil(
      async () => (await call('GET', `/v1/deliveries/${failed[0]!.id}`)).body.data.status === 'succeeded',
    );

    const recovered = await call('POST', `/v1/webhooks/${hook.id}/recover`, { since });
    expect(recovered.body.data).toEqual({ queued: 1 });
    const done = await settled(hook.id, 2);
    expect(done.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
  });
});
