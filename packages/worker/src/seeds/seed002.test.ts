import { SALESHANDY_EVENT_TYPES } from '@switchyard/core';
import { sendRaw, waitUntil } from '@switchyard/server/testing';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';

// Seed 002 (Saleshandy, "Create Webhook"): its request body example sent byte for byte to its own path with its own
// `x-api-key` header (the URL pointed at a receiver here, the key replaced). The page's response example is a webhook
// whose test delivery failed, left paused: the receiver answers that test with 500 here to get exactly that. A real
// worker then delivers the host's `email-sent` events, with the custom header, to the webhooks that are active.
const SEED_BODY = `{
"name": "Email Sent Webhook",
"webhookUrl": "https://example.org/webhooks/email-sent",
"webhookEvent": [
"email-sent"
],
"headers": {
"X-Webhook-Source": "saleshandy"
}
}`;

const { srv, rx, call } = pipelineForFile(
  { WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_RETRY_JITTER: '0' },
  { otherwise: (req) => (req.path.startsWith('/down') ? { status: 500, body: 'no' } : { status: 200 }) },
);

/** The page's request: `POST /v1/webhook/create`, `x-api-key`, JSON. */
function create(body: string, opts: { key?: string | null } = {}) {
  const auth: Record<string, string> = opts.key === null ? {} : { 'x-api-key': opts.key ?? srv.apiKey };
  return sendRaw(srv.url, 'POST', '/v1/webhook/create', {
    headers: { ...auth, 'content-type': 'application/json' },
    body,
  });
}

const pointedAt = (path: string) =>
  SEED_BODY.replace('https://example.org/webhooks/email-sent', `${rx.url}${path}`);

describe('seed 002: POST /v1/webhook/create as written', () => {
  let pausedId = '';
  let activeId = '';
  let activeSecret = '';

  it('answers the page’s example: created, its test delivery failed, so it is paused', async () => {
    const res = await create(pointedAt('/down/webhooks/email-sent'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      message: 'Webhook created successfully',
      payload: {
        id: expect.any(String),
        name: 'Email Sent Webhook',
        webhookUrl: `${rx.url}/down/webhooks/email-sent`,
        webhookEvent: ['email-sent'],
        headers: { 'X-Webhook-Source': 'saleshandy' },
        status: 'paused',
        testDelivery: { status: 'failed', statusCode: 500, error: 'HTTP 500' },
        secret: expect.stringMatching(/^whsec_/),
      },
    });
    pausedId = res.body.payload.id;
    // The test delivery reached the endpoint, with the custom header and signed.
    const test = rx.requests.find((r) => r.path === '/down/webhooks/email-sent');
    expect(test?.headers['x-webhook-source']).toBe('saleshandy');
    expect(JSON.parse(test?.body ?? '{}')).toMatchObject({ type: 'webhook.test' });
    // The same webhook the native API shows.
    const native = await call('GET', `/v1/webhooks/${pausedId}`);
    expect(native.body.data).toMatchObject({
      status: 'paused',
      events: ['email-sent'],
      name: 'Email Sent Webhook',
    });
  });

  it('is active when its test delivery succeeds, and delivers the host’s email-sent events with the header', async () => {
    const res = await create(pointedAt('/webhooks/email-sent'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.payload).toMatchObject({
      status: 'active',
      testDelivery: { status: 'succeeded', statusCode: 200 },
    });
    activeId = res.body.payload.id;
    activeSecret = res.body.payload.secret;
    expect(activeId).not.toBe(pausedId);

    const before = rx.requests.length;
    const sent = await call('POST', '/v1/events', {
      type: 'email-sent',
      data: { id: 'mail-1', to: 'ada@example.com', sequence: 'Onboarding' },
    });
    expect(sent.status).toBe(202);
    const [delivery] = await waitUntil(() => {
      const got = rx.requests.slice(before).filter((r) => JSON.parse(r.body).type === 'email-sent');
      return got.length > 0 ? got : undefined;
    });
    expect(delivery?.path).toBe('/webhooks/email-sent');
    expect(delivery?.headers['x-webhook-source']).toBe('saleshandy');
    const verified = new StandardWebhook(activeSecret).verify(delivery?.body ?? '', delivery?.headers ?? {});
    expect(verified).toMatchObject({ type: 'email-sent', data: { id: 'mail-1', to: 'ada@example.com' } });
    // The paused one received nothing but its test.
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests.filter((r) => r.path === '/down/webhooks/email-sent')).toHaveLength(1);
  });

  it('takes every one of the 19 Saleshandy events, which join the account’s catalog', async () => {
    const all = SALESHANDY_EVENT_TYPES.map((e) => e.type);
    const body = pointedAt('/webhooks/all').replace('[\n"email-sent"\n]', JSON.stringify(all));
    const res = await create(body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.payload.webhookEvent).toEqual(all);
    const catalog = (await call('GET', '/v1/event-types')).body.data as { type: string; origin: string }[];
    for (const name of all) expect(catalog.find((t) => t.type === name)?.origin, name).toBe('registered');
  });

  it('refuses what the page does not accept, creating nothing', async () => {
    const before = (await call('GET', '/v1/webhooks?limit=100')).body.data.length;
    const unknown = await create(pointedAt('/webhooks/x').replace('"email-sent"', '"email-exploded"'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'invalid_events',
      details: [{ path: 'webhookEvent[0]' }],
    });
    // "headers is required — pass {} if no custom headers are needed."
    const noHeaders = await create(
      `{"name": "x", "webhookUrl": "${rx.url}/webhooks/x", "webhookEvent": ["email-sent"]}`,
    );
    expect(noHeaders.status).toBe(400);
    expect(noHeaders.body.error).toMatchObject({
      code: 'missing_required_field',
      details: [{ path: 'headers' }],
    });
    const badUrl = await create(SEED_BODY.replace('https://example.org/webhooks/email-sent', 'not a url'));
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error).toMatchObject({ code: 'invalid_url', details: [{ path: 'webhookUrl' }] });
    const dup = await create(pointedAt('/webhooks/email-sent'));
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_webhook');
    expect((await call('GET', '/v1/webhooks?limit=100')).body.data.length).toBe(before);
    // An empty headers object is fine.
    const empty = await create(
      pointedAt('/webhooks/empty').replace('{\n"X-Webhook-Source": "saleshandy"\n}', '{}'),
    );
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body.payload.headers).toEqual({});
  });

  it('needs an x-api-key with webhooks:write', async () => {
    const none = await create(pointedAt('/webhooks/anon'), { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('invalid_key');
    const reader = await call('POST', '/v1/api-keys', { name: 'reader', scopes: ['webhooks:read'] });
    const forbidden = await create(pointedAt('/webhooks/reader'), { key: reader.body.data.key });
    expect(forbidden.status).toBe(403);
  });
});
