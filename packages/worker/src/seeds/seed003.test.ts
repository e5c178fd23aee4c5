import { type ReceivedRequest, sendRaw, waitUntil } from '@switchyard/server/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, pipelineForFile } from '../testSupport.ts';

// Seed 003 (LeadSquared, "Create a Webhook"): its request example sent byte for byte to the compatibility route
// (POST /v1/leadsquared/webhooks; the page names no path), its URL pointed at a receiver here, with our key. Then
// what the page's parameters promise, through a real worker: the event code's deliveries with both custom headers,
// NotifyOnFailure's e-mail (a real SMTP server), WebhookProperties and landing pages as filters, and its HTTP codes.
const PATH = '/v1/leadsquared/webhooks';
const SEED_BODY =
  '{ "Description": "Description of webhook", "URL": "https://requestb.in/19n3y3u1", "Method": "POST", "ContentType": "application/json", "WebhookEvent": "1", "IsSpecificLandingPage": false, "NotifyOnFailure": true, "WebhookProperties": null, "CustomHeaders": [ { "Key": "x-api-key", "Value": "j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP" }, { "Key": "x-api-key", "Value": "j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP6" } ] }';

// The page's four WebhookProperties, as printed. Its typography curled the quotes (“ ” ″); straight ones restored,
// they are the JSON the page means (the last three are JSON strings, hence the backslashes).
const PROPERTIES = [
  ['2', '{“ActivityEvent”:”247″, “ActivityData”:”[]”, “WebPageNames”:”[]”}'],
  ['31', '{\\”OpportunityEvents\\”:[\\”12002\\”], \\”IsAsyncEnable\\”:true}'],
  [
    '33',
    '{\\”OpportunityEvents\\”:[\\”12003\\”], \\”ChangedOpportunityField\\”:\\”mx_Custom_10\\”, \\”IsAsyncEnable\\”:false}',
  ],
  [
    '34',
    '{\\”OpportunityEvents\\”:[\\”12000\\”], \\”StatusFrom\\”:\\”Lost\\”, \\”StatusTo\\”:\\”Open\\”, \\”StageFrom\\”:\\”Budget constraints\\”, \\”StageTo\\”:\\”Negotiation\\”, \\”IsAsyncEnable\\”:false}',
  ],
] as const;
const straight = (s: string) => s.replace(/[“”″]/g, '"');

const { srv, rx, sink, call } = pipelineForFile(
  { WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_RETRY_JITTER: '0' },
  { smtp: 'mailer', otherwise: (req) => (req.path.startsWith('/down') ? { status: 500 } : { status: 200 }) },
);
beforeAll(async () => {
  await call('PATCH', '/v1/account', { notification_email: 'crm-ops@example.com' });
});

function create(body: string, opts: { key?: string | null; contentType?: string; path?: string } = {}) {
  const auth: Record<string, string> = opts.key === null ? {} : { 'x-api-key': opts.key ?? srv.apiKey };
  return sendRaw(srv.url, 'POST', opts.path ?? PATH, {
    headers: { ...auth, 'Content-Type': opts.contentType ?? 'application/json' },
    body,
  });
}

const pointedAt = (path: string, body = SEED_BODY) =>
  body.replace('https://requestb.in/19n3y3u1', `${rx.url}${path}`);

const at = (path: string): ReceivedRequest[] => rx.requests.filter((r) => r.path === path);
const settle = () => new Promise((r) => setTimeout(r, 500));

async function emit(type: string, data: Record<string, unknown>, previous?: Record<string, unknown>) {
  const res = await call('POST', '/v1/events', { type, data, ...(previous ? { previous } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

describe('seed 003: the request as written', () => {
  it('answers { Status: "Success", Message: { Id } } and delivers landing page submissions with both headers', async () => {
    const res = await create(pointedAt('/lsq/landing'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      Status: 'Success',
      Message: { Id: expect.stringMatching(/^[0-9a-f-]{36}$/), Secret: expect.stringMatching(/^whsec_/) },
    });
    const hook = (await call('GET', `/v1/webhooks/${res.body.Message.Id}`)).body.data;
    expect(hook).toMatchObject({
      description: 'Description of webhook',
      events: ['landing_page.submitted'],
      method: 'POST',
      content_type: 'application/json',
      notify_on_failure: true,
      filters: null,
      status: 'active',
    });

    // WebhookEvent 1 is `landing_page.submitted`: the host sends it, the endpoint gets it with both x-api-key values.
    await emit('landing_page.submitted', {
      id: 'sub-1',
      landing_page_url: 'https://lp.example/spring',
      email: 'a@b.c',
    });
    const [delivery] = await waitUntil(() =>
      at('/lsq/landing').length > 0 ? at('/lsq/landing') : undefined,
    );
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
      type: 'landing_page.submitted',
      data: { id: 'sub-1' },
    });
    // A repeated field arrives as one with both values, comma-joined (RFC 9110, 5.3).
    expect(delivery?.headers['x-api-key']).toBe(
      'j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP, j5FtwJk44e6fJHzbKc3fa82pJQQoBa7MebQHXAP6',
    );
  });

  it('NotifyOnFailure: "notified whenever a webhook fails" — an e-mail when a delivery fails for good', async () => {
    const res = await create(pointedAt('/down/lsq'));
    expect(res.status, res.text).toBe(200);
    await emit('landing_page.submitted', { id: 'sub-2' });
    const mail = await waitUntil(() =>
      sink.mails.find((m) => decodeQuotedPrintable(m.raw).includes(res.body.Message.Id)),
    );
    expect(mail.to).toEqual(['crm-ops@example.com']);
    expect(mail.raw).toContain('Subject: Webhook deliveries failed: Description of webhook');
    expect(decodeQuotedPrintable(mail.raw)).toContain(
      '1 delivery to your webhook "Description of webhook" failed',
    );
  });
});

describe('seed 003: WebhookProperties and landing pages become filters', () => {
  it('takes the page’s four WebhookProperties examples', async () => {
    const ids: string[] = [];
    for (const [code, props] of PROPERTIES) {
      const raw = straight(props);
      // The first is an object in the page, the others JSON strings.
      const value = raw.startsWith('{\\') ? `"${raw}"` : raw;
      const body = pointedAt(`/lsq/props-${code}`)
        .replace('"WebhookEvent": "1"', `"WebhookEvent": "${code}"`)
        .replace('"WebhookProperties": null', `"WebhookProperties": ${value}`);
      const res = await create(body);
      expect(res.status, `${code}: ${res.text}`).toBe(200);
      ids.push(res.body.Message.Id);
    }
    const filters = await Promise.all(
      ids.map(async (id) => (await call('GET', `/v1/webhooks/${id}`)).body.data),
    );
    expect(filters.map((h) => h.events[0])).toEqual([
      'lead.activity_created',
      'opportunity.created',
      'opportunity.field_updated',
      'opportunity.stage_changed',
    ]);
    expect(filters.every((h) => h.filters !== null)).toBe(true);
  });

  it('delivers only the events the filters let through', async () => {
    // 34: StatusFrom Lost → StatusTo Open, StageFrom Budget constraints → StageTo Negotiation, opportunity 12000.
    const moved = { opportunity_event: '12000', status: 'Open', stage: 'Negotiation' };
    const before = { status: 'Lost', stage: 'Budget constraints' };
    await emit('opportunity.stage_changed', { id: 'o1', ...moved }, before);
    await emit('opportunity.stage_changed', { id: 'o2', ...moved, status: 'Won' }, before);
    await emit('opportunity.stage_changed', { id: 'o3', ...moved, opportunity_event: '12001' }, before);
    // 33: opportunity 12003 whose mx_Custom_10 changed.
    await emit(
      'opportunity.field_updated',
      { id: 'o4', opportunity_event: '12003', mx_Custom_10: 'b' },
      { mx_Custom_10: 'a' },
    );
    await emit(
      'opportunity.field_updated',
      { id: 'o5', opportunity_event: '12003', mx_Custom_10: 'a' },
      { mx_Custom_10: 'a' },
    );
    // 2: activity 247.
    await emit('lead.activity_created', { id: 'a1', activity_event: 247 });
    await emit('lead.activity_created', { id: 'a2', activity_event: 248 });
    await waitUntil(() =>
      at('/lsq/props-2').length >= 1 && at('/lsq/props-33').length >= 1 && at('/lsq/props-34').length >= 1
        ? true
        : undefined,
    );
    await settle();
    const ids = (path: string) => at(path).map((r) => JSON.parse(r.body).data.id);
    expect(ids('/lsq/props-34')).toEqual(['o1']);
    expect(ids('/lsq/props-33')).toEqual(['o4']);
    expect(ids('/lsq/props-2')).toEqual(['a1']);
  });

  it('IsSpecificLandingPage with LandingPageUrls delivers those pages’ submissions only', async () => {
    const body = pointedAt('/lsq/spring').replace(
      '"IsSpecificLandingPage": false',
      '"IsSpecificLandingPage": true, "LandingPageUrls": ["https://lp.example/spring"]',
    );
    const res = await create(body);
    expect(res.status, res.text).toBe(200);
    await emit('landing_page.submitted', { id: 'sub-3', landing_page_url: 'https://lp.example/autumn' });
    await emit('landing_page.submitted', { id: 'sub-4', landing_page_url: 'https://lp.example/spring' });
    await waitUntil(() => (at('/lsq/spring').length > 0 ? true : undefined));
    await settle();
    expect(at('/lsq/spring').map((r) => JSON.parse(r.body).data.id)).toEqual(['sub-4']);
    const missing = await create(
      pointedAt('/lsq/x').replace('"IsSpecificLandingPage": false', '"IsSpecificLandingPage": true'),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('LandingPageUrls');
  });
});

describe('seed 003: HTTP response codes', () => {
  it('401: invalid access credentials', async () => {
    expect((await create(pointedAt('/lsq/401'), { key: null })).status).toBe(401);
    const wrong = await create(pointedAt('/lsq/401'), {
      key: 'sk_live_nottherightkeyatallnottherightkey1234',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_key');
  });

  it('400: a body not as specified (content type, attribute names, event code, headers)', async () => {
    const before = (await call('GET', '/v1/webhooks?limit=100')).body.data.length;
    const text = await create(pointedAt('/lsq/400'), { contentType: 'text/plain' });
    expect(text.status).toBe(400);
    const lower = await create(`{ "url": "${rx.url}/lsq/400", "webhookEvent": "1" }`);
    expect(lower.status).toBe(400);
    expect(lower.body.error).toMatchObject({ code: 'missing_required_field' });
    expect(lower.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'URL',
      'WebhookEvent',
    ]);
    const code = await create(pointedAt('/lsq/400').replace('"WebhookEvent": "1"', '"WebhookEvent": "10"'));
    expect(code.status).toBe(400);
    expect(code.body.error).toMatchObject({ code: 'invalid_events', details: [{ path: 'WebhookEvent' }] });
    const headers = Array.from({ length: 11 }, (_, i) => `{ "Key": "x-h${i}", "Value": "v" }`).join(', ');
    const eleven = await create(
      pointedAt('/lsq/400').replace(/"CustomHeaders": \[.*\]/, `"CustomHeaders": [ ${headers} ]`),
    );
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.details[0].path).toBe('CustomHeaders');
    const url = await create(SEED_BODY.replace('https://requestb.in/19n3y3u1', 'ftp://files.example/x'));
    expect(url.status).toBe(400);
    expect(url.body.error).toMatchObject({ code: 'invalid_url', details: [{ path: 'URL' }] });
    expect((await call('GET', '/v1/webhooks?limit=100')).body.data.length).toBe(before);
  });

  it('404: the API could not be found', async () => {
    for (const path of ['/v1/leadsquared/webhook', '/v2/Webhook.svc/Create']) {
      const res = await create(pointedAt('/lsq/404'), { path });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('429: more than 25 calls in 5 seconds', async () => {
    const key = (await call('POST', '/v1/api-keys', { name: 'lsq', scopes: ['webhooks:write'] })).body.data
      .key;
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) statuses.push((await create(pointedAt('/lsq/limit'), { key })).status);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1, 25).every((s) => s === 409)).toBe(true);
    expect(statuses[25]).toBe(429);
    const limited = await create(pointedAt('/lsq/limit'), { key });
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('25');
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(5);
  });
});
