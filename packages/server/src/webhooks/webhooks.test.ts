import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller, keyWithScopes, type Receiver, startReceiver } from './testHelpers.ts';

let srv: TestServer;
let call: ReturnType<typeof apiCaller>;
let rx: Receiver;
beforeAll(async () => {
  [srv, rx] = await Promise.all([startTestServer(), startReceiver()]);
  call = apiCaller(srv);
});
afterAll(async () => {
  await Promise.all([srv?.close(), rx?.close()]);
});

let n = 0;
const url = (path = 'hook') => `${rx.url}/${path}-${++n}`;

async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return srv.deps.orm.em.fork().execute<T[]>(query, params);
}

describe('POST /v1/webhooks (seed 001)', () => {
  it("accepts seed 001's body and returns the secret once", async () => {
    const target = url('leadlex/webhook');
    const res = await call('POST', '/v1/webhooks', {
      url: target,
      events: ['contact.created', 'deal.updated'],
      description: 'Production CRM sync',
      active: true,
    });
    expect(res.status).toBe(201);
    const hook = res.body.data.webhook;
    expect(hook).toMatchObject({
      id: expect.any(String),
      url: target,
      events: ['contact.created', 'deal.updated'],
      description: 'Production CRM sync',
      active: true,
      status: 'active',
      method: 'POST',
      content_type: 'application/json',
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(hook.created_at_utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const fetched = await call('GET', `/v1/webhooks/${hook.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data.secret).toBeUndefined();
    expect(JSON.stringify((await call('GET', '/v1/webhooks')).body)).not.toContain(hook.secret);

    // Encrypted at rest: the secret is nowhere in the row.
    const [row] = await sql<Record<string, unknown>>('select * from webhooks where id = ?', [hook.id]);
    expect(JSON.stringify(row)).not.toContain(hook.secret.slice(6));
  });

  it('answers the seed errors: missing_required_field, invalid_events, invalid_url, 409 duplicate_webhook', async () => {
    const noUrl = await call('POST', '/v1/webhooks', { events: ['deal.won'] });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error.code).toBe('missing_required_field');
    const noEvents = await call('POST', '/v1/webhooks', { url: url() });
    expect(noEvents.body.error.code).toBe('missing_required_field');

    const badEvents = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.won', 'deal.vanished'],
    });
    expect(badEvents.status).toBe(400);
    expect(badEvents.body.error.code).toBe('invalid_events');
    expect(badEvents.body.error.details).toEqual([
      { path: 'events[1]', message: '"deal.vanished" is not a recognized event type' },
    ]);
    expect((await call('POST', '/v1/webhooks', { url: url(), events: [] })).body.error.code).toBe(
      'invalid_events',
    );

    for (const bad of ['not a url', 'ftp://example.com/hook', 'https://']) {
      const res = await call('POST', '/v1/webhooks', { url: bad, events: ['deal.won'] });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_url');
    }

    const target = url();
    expect((await call('POST', '/v1/webhooks', { url: target, events: ['*'] })).status).toBe(201);
    const dup = await call('POST', '/v1/webhooks', { url: target, events: ['deal.*'] });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_webhook');
  });

  it('needs webhooks:write to create and webhooks:read to list', async () => {
    const reader = await keyWithScopes(call, ['webhooks:read']);
    const denied = await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'] }, { key: reader });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_permissions');
    expect((await call('GET', '/v1/webhooks', undefined, { key: reader })).status).toBe(200);
    const writerOnly = await keyWithScopes(call, ['events:write']);
    expect((await call('GET', '/v1/webhooks', undefined, { key: writerOnly })).status).toBe(403);
  });

  it('accepts wildcards and the account’s own event types', async () => {
    await call('POST', '/v1/event-types', { type: 'invoice.paid' });
    const res = await call('POST', '/v1/webhooks', { url: url(), events: ['deal.*', 'invoice.paid', '*'] });
    expect(res.status).toBe(201);
  });
});

describe('custom headers, method, content type, filters (seeds 002 and 003)', () => {
  it('stores custom headers sealed and returns them', async () => {
    const res = await call('POST', '/v1/webhooks', {
      name: 'Email Sent Webhook',
      url: url('webhooks/email-sent'),
      events: ['email.sent'],
      headers: { 'X-Webhook-Source': 'saleshandy', 'x-api-key': 'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP' },
      method: 'PUT',
      content_type: 'application/x-www-form-urlencoded',
      notify_on_failure: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data.webhook).toMatchObject({
      name: 'Email Sent Webhook',
      headers: { 'X-Webhook-Source': 'saleshandy', 'x-api-key': 'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP' },
      method: 'PUT',
      content_type: 'application/x-www-form-urlencoded',
      notify_on_failure: true,
    });
    const [row] = await sql<Record<string, unknown>>('select * from webhooks where id = ?', [
      res.body.data.webhook.id,
    ]);
    expect(JSON.stringify(row)).not.toContain('j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP');
  });

  it('takes seed 003’s list of Key/Value headers, a repeated name as one comma-joined field, at most 10', async () => {
    const ok = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.updated'],
      headers: [{ Key: 'x-api-key', Value: 'abc' }],
    });
    expect(ok.body.data.webhook.headers).toEqual({ 'x-api-key': 'abc' });
    const dup = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.updated'],
      headers: [
        { Key: 'x-api-key', Value: 'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP' },
        { Key: 'x-api-key', Value: 'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP6' },
      ],
    });
    // HTTP allows a field twice; it means the same as one field with both values (RFC 9110, 5.3).
    expect(dup.status, JSON.stringify(dup.body)).toBe(201);
    expect(dup.body.data.webhook.headers).toEqual({
      'x-api-key': 'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP, j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP6',
    });
    const eleven = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.updated'],
      headers: Array.from({ length: 11 }, () => ({ Key: 'x-api-key', Value: 'v' })),
    });
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.details[0]).toMatchObject({
      path: 'headers',
      message: expect.stringContaining('11'),
    });
  });

  it('refuses forbidden headers at creation and creates nothing', async () => {
    const before = (await sql<{ n: string }>('select count(*) as n from webhooks'))[0]?.n;
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`X-H${i}`, 'v']));
    for (const headers of [
      { Host: 'evil.example' },
      { 'Content-Length': '5' },
      { 'webhook-signature': 'v1,forged' },
      { Connection: 'close' },
      { 'Transfer-Encoding': 'chunked' },
      { 'Proxy-Authorization': 'x' },
      { 'X-Evil': 'a\r\nX-Injected: 1' },
      eleven,
    ]) {
      const res = await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'], headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details[0].path).toMatch(/^headers/);
    }
    expect((await sql<{ n: string }>('select count(*) as n from webhooks'))[0]?.n).toBe(before);
  });

  it('refuses an unsupported method or content type', async () => {
    const m = await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'], method: 'GET' });
    expect(m.body.error.code).toBe('validation_error');
    const c = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.won'],
      content_type: 'text/xml',
    });
    expect(c.body.error.code).toBe('validation_error');
  });

  it('stores from/to and changed-field filters as conditions and refuses impossible ones', async () => {
    const res = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.updated'],
      filters: [{ field: 'status', from: 'Lost', to: 'Open' }, { field: 'mx_Custom_10' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.webhook.filters).toEqual({
      all: [
        {
          all: [
            { field: 'status', operator: 'changed_from', value: 'Lost' },
            { field: 'status', operator: 'changed_to', value: 'Open' },
          ],
        },
        { field: 'mx_Custom_10', operator: 'changed' },
      ],
    });
    const bad = await call('POST', '/v1/webhooks', {
      url: url(),
      events: ['deal.updated'],
      filters: { field: 'amount', operator: 'greater_than', value: 'lots' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(bad.body.error.details[0].path).toMatch(/^filters/);
  });
});

describe('PATCH, DELETE, rotate-secret', () => {
  it('pauses, resumes and edits only the fields given', async () => {
    const created = (
      await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'], description: 'd' })
    ).body.data.webhook;
    const paused = await call('PATCH', `/v1/webhooks/${created.id}`, { active: false });
    expect(paused.body.data).toMatchObject({ status: 'paused', active: false, description: 'd' });
    const edited = await call('PATCH', `/v1/webhooks/${created.id}`, { active: true, events: ['deal.*'] });
    expect(edited.body.data).toMatchObject({ status: 'active', events: ['deal.*'], description: 'd' });
    const bad = await call('PATCH', `/v1/webhooks/${created.id}`, { events: ['nope.nope'] });
    expect(bad.body.error.code).toBe('invalid_events');
  });

  it('deletes', async () => {
    const created = (await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'] })).body.data
      .webhook;
    expect((await call('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(200);
    expect((await call('GET', `/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  it('never shows one account’s webhooks to another', async () => {
    const created = (await call('POST', '/v1/webhooks', { url: url(), events: ['deal.won'] })).body.data
      .webhook;
    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Other' });
    expect((await call('GET', `/v1/webhooks/${created.id}`, undefined, { key: other.apiKey })).status).toBe(
      404,
    );
    expect(
      (await call('PATCH', `/v1/webhooks/${created.id}`, { active: false }, { key: other.apiKey })).status,
    ).toBe(404);
    expect((await call('GET', '/v1/webhooks', undefined, { key: other.apiKey })).body.data).toEqual([]);
    // The same URL is free in another account.
    expect(
      (await call('POST', '/v1/webhooks', { url: created.url, events: ['*'] }, { key: other.apiKey })).status,
    ).toBe(201);
  });
});

describe('fan-out in the event transaction', () => {
  it('an event creates one pending delivery and one keyed job per matching active webhook', async () => {
    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Fan-out' });
    const own = apiCaller({ ...srv, apiKey: other.apiKey });
    const on = (await own('POST', '/v1/webhooks', { url: url(), events: ['deal.*'] })).body.data.webhook;
    const paused = (await own('POST', '/v1/webhooks', { url: url(), events: ['*'], active: false })).body.data
      .webhook;
    const filtered = (
      await own('POST', '/v1/webhooks', {
        url: url(),
        events: ['deal.updated'],
        filters: [{ field: 'status', from: 'Lost', to: 'Open' }],
      })
    ).body.data.webhook;
    await own('POST', '/v1/webhooks', { url: url(), events: ['contact.created'] });

    const first = await own('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd1', status: 'Lost' },
    });
    const second = await own('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd1', status: 'Open' },
    });
    const deliveries = await sql<{ webhook_id: string; event_id: string; status: string; id: string }>(
      'select id, webhook_id, event_id, status from deliveries where account_id = ? order by id',
      [other.account.id],
    );
    expect(deliveries.map((d) => [d.event_id, d.webhook_id])).toEqual([
      [first.body.data.id, on.id],
      [second.body.data.id, on.id],
      [second.body.data.id, filtered.id],
    ]);
    expect(deliveries.every((d) => d.status === 'pending')).toBe(true);
    expect(deliveries.some((d) => d.webhook_id === paused.id)).toBe(false);
    const jobs = await sql<{ key: string }>(
      "select key from graphile_worker.jobs where task_identifier = 'deliver_webhook'",
    );
    const keys = new Set(jobs.map((j) => j.key));
    expect(deliveries.every((d) => keys.has(`delivery:${d.id}`))).toBe(true);
  });
});
