import { seed000Rule } from '@switchyard/core/testing';
import { describe, expect, it } from 'vitest';
import { createConnection, sendRaw, serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';

// Seed 000 (LeadLex, "create workflow"): its one request example, sent byte for byte (the key replaced), and each
// answer its page documents: the created record, the response headers, the retry deduplication and the error table.
// The rule running end to end is packages/worker/src/tasks/seed000.test.ts.

// The `-d '…'` text of the page's curl, exactly.
const SEED_BODY = `{
"name": "Ping owner on won deals",
"condition_entity": "deal",
"condition_field": "status",
"condition_operator": "changed_to",
"condition_value": "won",
"action_type": "send_channel_message",
"action_config": {
"channel": "slack",
"recipient": "#sales-wins",
"message": "Deal {{deal.name}} closed at {{deal.value}} {{deal.currency}}"
},
"max_triggers_per_day": 50
}`;
const RATE_LIMIT = 25;

const srv = serverForFile({ RATE_LIMIT_POINTS: String(RATE_LIMIT) });
const call = srv.call;

/** The page's request: `-H "Authorization: Bearer …" -H "Content-Type: application/json" -d '…'`. */
function send(opts: { key?: string; body?: string; headers?: Record<string, string> } = {}) {
  return sendRaw(srv.url, 'POST', '/v1/workflows', {
    headers: {
      Authorization: `Bearer ${opts.key ?? srv.apiKey}`,
      'Content-Type': 'application/json',
      ...opts.headers,
    },
    body: opts.body ?? SEED_BODY,
  });
}

describe('seed 000: POST /v1/workflows as written', () => {
  it('explains with 400 validation_error that the account has no Slack to send through yet', async () => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'action_config.connection_id', message: expect.stringContaining('slack') }],
    });
  });

  it('creates the rule once Slack is connected, answers the record with the documented headers, and deduplicates a retry', async () => {
    await createConnection(call, {
      kind: 'slack',
      name: 'Slack',
      bot_token: 'xoxb-seed-000',
      api_base_url: 'http://127.0.0.1:9/slack',
    });

    // "Optional UUID for retry deduplication within 24 hours."
    const key = crypto.randomUUID();
    const res = await send({ headers: { 'Idempotency-Key': key } });
    expect(res.status, res.text).toBe(201);
    // The page's example response, field for field: the rule as sent, with its id, state and times.
    expect(res.body.data).toMatchObject({
      ...seed000Rule(),
      id: expect.any(String),
      enabled: true,
      last_triggered_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
    });
    // "Responses include X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, and X-Request-ID."
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-request-id']) {
      expect(res.headers.get(h), h).toBeTruthy();
    }
    // "The created workflow record (same shape as GET /v1/workflows/{id})."
    const fetched = await call('GET', `/v1/workflows/${res.body.data.id}`);
    expect(fetched.body.data).toEqual({ ...res.body.data, stats: fetched.body.data.stats });

    const retry = await send({ headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body.data.id).toBe(res.body.data.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    // 409 duplicate_name: "A workflow with this name already exists."
    const again = await send();
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_name');
  });

  it('answers 400 validation_error for missing fields and an unsupported operator or action', async () => {
    // Under a new name: the seed's own is taken now (409 comes first).
    const renamed = SEED_BODY.replace('Ping owner on won deals', 'Ping owner, variant');
    const missing = await send({ body: renamed.replace('"action_type": "send_channel_message",\n', '') });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'action_type' }],
    });
    const operator = await send({ body: renamed.replace('"changed_to"', '"explodes"') });
    expect(operator.status).toBe(400);
    expect(operator.body.error.details[0].path).toBe('condition_operator');
    const action = await send({ body: renamed.replace('"send_channel_message"', '"send_fax"') });
    expect(action.status).toBe(400);
    expect(action.body.error.details[0].path).toBe('action_type');
  });

  it('answers 401 invalid_key for the page’s placeholder key and 403 without the write permission', async () => {
    const placeholder = await send({ key: 'wbk_your_api_key_here' });
    expect(placeholder.status).toBe(401);
    expect(placeholder.body.error.code).toBe('invalid_key');
    const reader = await keyWithScopes(call, ['workflows:read']);
    const forbidden = await send({ key: reader });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('insufficient_permissions');
  });

  it('answers 429 rate_limited past the limit, with Retry-After', async () => {
    const key = await keyWithScopes(call, ['workflows:write']);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i <= RATE_LIMIT; i++) {
      last = await send({ key });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, RATE_LIMIT).every((s) => s === 409)).toBe(true);
    expect(statuses[RATE_LIMIT]).toBe(429);
    expect(last?.body.error.code).toBe('rate_limited');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
