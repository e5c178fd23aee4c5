import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../accounts/service.ts';
import { serverForFile } from '../testing/index.ts';
import { hashApiKey } from './keys.ts';

// Seed 004: "two types of keys per environment: publishable key and secret key … pk_test / sk_test, pk_live /
// sk_live". Every key here is made the way a host gets it (the API, or the organisation's creation).
const srv = serverForFile();
const call = srv.call;
let org: Awaited<ReturnType<typeof createOrganisation>>;
beforeAll(async () => {
  org = await createOrganisation(srv.deps.orm.em.fork(), { name: 'Acme' });
});

const as = (key: string) => (method: string, path: string, body?: unknown) =>
  call(method, path, body, { key });

describe('key kinds', () => {
  it('prefixes keys by kind and environment and lists them without the key', async () => {
    expect(srv.apiKey).toMatch(/^sk_live_[A-Za-z0-9_-]{43}$/);
    expect(org.live).toMatchObject({
      apiKey: expect.stringMatching(/^sk_live_/),
      publishableKey: expect.stringMatching(/^pk_live_/),
    });
    expect(org.test).toMatchObject({
      apiKey: expect.stringMatching(/^sk_test_/),
      publishableKey: expect.stringMatching(/^pk_test_/),
    });

    const testAdmin = as(org.test.apiKey);
    const pk = await testAdmin('POST', '/v1/api-keys', { name: 'browser', kind: 'publishable' });
    expect(pk.status, JSON.stringify(pk.body)).toBe(201);
    expect(pk.body.data).toMatchObject({ kind: 'publishable', environment: 'test', scopes: [] });
    expect(pk.body.data.key).toMatch(/^pk_test_/);
    expect(pk.body.data.prefix).toBe(pk.body.data.key.slice(0, 12));
    const sk = await testAdmin('POST', '/v1/api-keys', { name: 'reader', scopes: ['users:read'] });
    expect(sk.body.data).toMatchObject({ kind: 'secret', environment: 'test', scopes: ['users:read'] });
    expect(sk.body.data.key).toMatch(/^sk_test_/);

    const listed = (await testAdmin('GET', '/v1/api-keys')).body.data as Record<string, unknown>[];
    expect(listed.map((k) => k.kind).sort()).toEqual(['publishable', 'publishable', 'secret', 'secret']);
    for (const k of listed) expect(k).not.toHaveProperty('key');
  });

  it('refuses scopes on a publishable key and a secret key without scopes, creating nothing', async () => {
    const before = (await call('GET', '/v1/api-keys')).body.data.length;
    const scoped = await call('POST', '/v1/api-keys', { name: 'x', kind: 'publishable', scopes: ['admin'] });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'scopes' }] });
    const bare = await call('POST', '/v1/api-keys', { name: 'x' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('missing_required_field');
    const odd = await call('POST', '/v1/api-keys', { name: 'x', kind: 'session', scopes: ['admin'] });
    expect(odd.status).toBe(400);
    expect((await call('GET', '/v1/api-keys')).body.data.length).toBe(before);
  });

  it('a publishable key reads the event catalog and nothing else', async () => {
    const pk = as(org.live.publishableKey);
    const catalog = await pk('GET', '/v1/event-types');
    expect(catalog.status).toBe(200);
    expect(catalog.body.data.length).toBeGreaterThanOrEqual(28);
    for (const [method, path, body] of [
      ['GET', '/v1/users'],
      ['GET', '/v1/account'],
      ['POST', '/v1/events', { type: 'deal.won', data: {} }],
      ['POST', '/v1/api-keys', { name: 'escalate', scopes: ['admin'] }],
      ['POST', '/v1/event-types', { type: 'invoice.paid' }],
      ['GET', '/v1/webhooks'],
    ] as const) {
      const res = await pk(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('insufficient_permissions');
      expect(res.body.error.message).toContain('publishable key only identifies the account');
    }
    // x-api-key works for it too, and it is rate limited like any key.
    const res = await fetch(`${srv.url}/v1/event-types`, {
      headers: { 'x-api-key': org.live.publishableKey },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('600');
  });

  it('keeps the keys made before environments (sy_…) working as secret keys', async () => {
    const legacy = `sy_${randomBytes(32).toString('base64url')}`;
    await srv.deps.pool.query(
      `insert into api_keys (id, account_id, name, prefix, hash, scopes, created_at)
       values ($1, $2, 'old', $3, $4, '["users:read"]', now())`,
      [uuidv7(), srv.accountId, legacy.slice(0, 10), hashApiKey(legacy)],
    );
    const users = await as(legacy)('GET', '/v1/users');
    expect(users.status).toBe(200);
    expect((await as(legacy)('GET', '/v1/webhooks')).status).toBe(403);
    const listed = (await call('GET', '/v1/api-keys')).body.data.find((k: any) => k.name === 'old');
    expect(listed).toMatchObject({ kind: 'secret', environment: 'live', prefix: legacy.slice(0, 10) });
  });

  it('answers 401 invalid_key for a token of no known shape, a revoked key and a key whose prefix lies', async () => {
    for (const token of ['nonsense', 'sk_live_short', 'Bearer', `xx_live_${'a'.repeat(43)}`]) {
      const res = await as(token)('GET', '/v1/users');
      expect(res.status, token).toBe(401);
      expect(res.body.error.code).toBe('invalid_key');
    }
    // A stored key is only valid as the kind and environment its prefix claims.
    const liar = `pk_live_${randomBytes(32).toString('base64url')}`;
    await srv.deps.pool.query(
      `insert into api_keys (id, account_id, name, kind, prefix, hash, scopes, created_at)
       values ($1, $2, 'liar', 'secret', 'pk_live_', $3, '["admin"]', now())`,
      [uuidv7(), srv.accountId, hashApiKey(liar)],
    );
    expect((await as(liar)('GET', '/v1/users')).status).toBe(401);
    const wrongEnv = `sk_test_${randomBytes(32).toString('base64url')}`;
    await srv.deps.pool.query(
      `insert into api_keys (id, account_id, name, prefix, hash, scopes, created_at)
       values ($1, $2, 'wrong env', 'sk_test_', $3, '["admin"]', now())`,
      [uuidv7(), srv.accountId, hashApiKey(wrongEnv)],
    );
    expect((await as(wrongEnv)('GET', '/v1/users')).status).toBe(401);

    const made = await call('POST', '/v1/api-keys', { name: 'short-lived', scopes: ['users:read'] });
    expect((await as(made.body.data.key)('GET', '/v1/users')).status).toBe(200);
    await call('DELETE', `/v1/api-keys/${made.body.data.id}`);
    expect((await as(made.body.data.key)('GET', '/v1/users')).status).toBe(401);
  });
});

describe('environments', () => {
  it('are two accounts of one organisation that share no data', async () => {
    const live = as(org.live.apiKey);
    const test = as(org.test.apiKey);
    const [liveAccount, testAccount] = [
      (await live('GET', '/v1/account')).body.data,
      (await test('GET', '/v1/account')).body.data,
    ];
    expect(liveAccount).toMatchObject({ environment: 'live', organisation_id: org.organisation.id });
    expect(testAccount).toMatchObject({ environment: 'test', organisation_id: org.organisation.id });
    expect(testAccount.id).not.toBe(liveAccount.id);

    await test('PUT', '/v1/users/ada', { name: 'Ada (test)' });
    const hook = await test('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/test-hook', events: ['*'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    await test('POST', '/v1/events', { type: 'sandbox.ping', data: {} });

    expect((await live('GET', '/v1/users/ada')).status).toBe(404);
    expect((await live('GET', '/v1/webhooks')).body.data).toEqual([]);
    expect((await live('GET', `/v1/webhooks/${hook.body.data.webhook.id}`)).status).toBe(404);
    expect((await live('GET', '/v1/events')).body.data).toEqual([]);
    const liveCatalog = (await live('GET', '/v1/event-types')).body.data as { type: string }[];
    expect(liveCatalog.map((t) => t.type)).not.toContain('sandbox.ping');
    // The same URL may be subscribed in both environments.
    const same = await live('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/test-hook', events: ['*'] });
    expect(same.status).toBe(201);
  });
});
