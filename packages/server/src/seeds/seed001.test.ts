import { BUILT_IN_EVENT_TYPE_NAMES } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { sendRaw, serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';

// Seed 001 (LeadLex, "create webhook"): both request examples of the page, sent byte for byte (the URL pointed at
// 127.0.0.1, the key replaced), and every row of its error table. HTTPS only, as the page says: plain http is off
// here and 127.0.0.1 is the one address let through the private-range guard. Nothing is delivered (no worker), so
// nothing listens on that address.
const HOOK_URL = 'https://127.0.0.1:9/leadlex/webhook';

// The first curl (`--data '…'`), the page's schema template, exactly.
const TEMPLATE_BODY = `
{
  "url": "<string>",
  "events": [
    {}
  ],
  "description": "<string>",
  "active": true
}
`;

// The second curl's `-d '…'`, exactly, with its URL pointed here.
const EXAMPLE_BODY = `{
    "url": "https://example.com/leadlex/webhook",
    "events": ["contact.created", "deal.updated"],
    "description": "Production CRM sync",
    "active": true
  }`.replace('https://example.com/leadlex/webhook', HOOK_URL);
const RATE_LIMIT = 30;

const srv = serverForFile({
  OUTBOUND_ALLOW_HTTP: 'false',
  OUTBOUND_ALLOWLIST: '127.0.0.1',
  RATE_LIMIT_POINTS: String(RATE_LIMIT),
});
const call = srv.call;

function send(body: string, opts: { key?: string | null } = {}) {
  const auth: Record<string, string> =
    opts.key === null ? {} : { Authorization: `Bearer ${opts.key ?? srv.apiKey}` };
  return sendRaw(srv.url, 'POST', '/v1/webhooks', {
    headers: { ...auth, 'Content-Type': 'application/json' },
    body,
  });
}

describe('seed 001: POST /v1/webhooks as written', () => {
  it('the schema template: 401 as sent (it has no key), 400 with one (its placeholders are no URL or events)', async () => {
    const anonymous = await send(TEMPLATE_BODY, { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('invalid_key');
    const keyed = await send(TEMPLATE_BODY);
    expect(keyed.status).toBe(400);
    expect(keyed.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'events.0' }] });
  });

  it('the example: 201 with data.webhook and its secret, shown this once', async () => {
    const res = await send(EXAMPLE_BODY);
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.webhook).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: HOOK_URL,
      events: ['contact.created', 'deal.updated'],
      description: 'Production CRM sync',
      active: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{40,}$/),
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
    });
    const fetched = await call('GET', `/v1/webhooks/${res.body.data.webhook.id}`);
    expect(fetched.body.data).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched.body)).not.toContain(res.body.data.webhook.secret);
  });

  it('409 duplicate_webhook: a webhook with this URL already exists', async () => {
    const res = await send(EXAMPLE_BODY);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('duplicate_webhook');
  });

  it.each(['http://127.0.0.1:9/plain', 'not a url', 'https://10.1.2.3/hook', 'https://[::1]/hook'])(
    '400 invalid_url for %s: not HTTPS, malformed, or a private address',
    async (url) => {
      const res = await send(EXAMPLE_BODY.replace(HOOK_URL, url));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_url');
    },
  );

  it('400 invalid_events for a name outside the catalog, which may be any of the 28 or one the account sent', async () => {
    const unknown = await send(EXAMPLE_BODY.replace('"deal.updated"', '"deal.exploded"'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'invalid_events',
      details: [{ path: 'events[1]', message: '"deal.exploded" is not a recognized event type' }],
    });
    const all = await call('POST', '/v1/webhooks', {
      url: `${HOOK_URL}/all`,
      events: [...BUILT_IN_EVENT_TYPE_NAMES],
    });
    expect(all.status, JSON.stringify(all.body)).toBe(201);
    expect(all.body.data.webhook.events).toHaveLength(28);
    // Once the account has sent a name, it is in its catalog and can be subscribed to.
    await call('POST', '/v1/events', { type: 'deal.exploded', data: {} });
    const known = await send(
      EXAMPLE_BODY.replace('"deal.updated"', '"deal.exploded"').replace(HOOK_URL, `${HOOK_URL}/2`),
    );
    expect(known.status, known.text).toBe(201);
  });

  it('400 missing_required_field when url or events is missing; 400 for a description over 200 characters', async () => {
    const noUrl = await send(EXAMPLE_BODY.replace(`"url": "${HOOK_URL}",`, ''));
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error).toMatchObject({ code: 'missing_required_field', details: [{ path: 'url' }] });
    const noEvents = await send(EXAMPLE_BODY.replace('"events": ["contact.created", "deal.updated"],', ''));
    expect(noEvents.body.error).toMatchObject({
      code: 'missing_required_field',
      details: [{ path: 'events' }],
    });
    const long = await send(
      EXAMPLE_BODY.replace('Production CRM sync', 'x'.repeat(201)).replace(HOOK_URL, `${HOOK_URL}/3`),
    );
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe('description');
  });

  it('"active": false registers the webhook paused', async () => {
    const res = await send(
      EXAMPLE_BODY.replace('"active": true', '"active": false').replace(HOOK_URL, `${HOOK_URL}/4`),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.webhook).toMatchObject({ active: false, status: 'paused' });
  });

  it('401 invalid_key for the page’s placeholder key, 403 insufficient_permissions without webhooks:write', async () => {
    const placeholder = await send(EXAMPLE_BODY, { key: 'wbk_your_api_key_here' });
    expect(placeholder.status).toBe(401);
    expect(placeholder.body.error.code).toBe('invalid_key');
    const reader = await keyWithScopes(call, ['webhooks:read']);
    const forbidden = await send(EXAMPLE_BODY, { key: reader });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('insufficient_permissions');
  });

  it('429 rate_limited past the limit', async () => {
    const key = await keyWithScopes(call, ['webhooks:write']);
    let status = 0;
    for (let i = 0; i <= RATE_LIMIT; i++) status = (await send(EXAMPLE_BODY, { key })).status;
    expect(status).toBe(429);
  });
});
