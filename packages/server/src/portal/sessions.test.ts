import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';

const srv = serverForFile();
const call = srv.call;

async function session(userKey: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/portal/sessions', { user_key: userKey, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; url: string; token: string; expires_at_utc: string };
}

function codeOf(url: string): string {
  return new URL(url).hash.replace(/^#code=/, '');
}

/** A raw tRPC call over HTTP, as @switchyard/client makes it. */
async function trpc(token: string, path: string, input: unknown, kind: 'query' | 'mutation' = 'query') {
  const base = `${srv.url}/trpc/${path}`;
  const res =
    kind === 'query'
      ? await fetch(`${base}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      : await fetch(base, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
  return { status: res.status, body: (await res.json()) as any };
}

describe('POST /v1/portal/sessions', () => {
  it('mints a link and a token for a user it creates on first sight, with a 1 h default', async () => {
    expect((await call('GET', '/v1/users/newcomer')).status).toBe(404);
    const before = Date.now();
    const s = await session('newcomer');
    expect(s.token).toMatch(/^ps_[A-Za-z0-9_-]{43}$/);
    expect(s.url).toMatch(new RegExp(`^${srv.url}/portal/#code=[A-Za-z0-9_-]{43}$`));
    const ttl = Date.parse(s.expires_at_utc) - before;
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThan(3_610_000);
    expect((await call('GET', '/v1/users/newcomer')).body.data.key).toBe('newcomer');

    // Only hashes are stored: neither the token nor the code is in the row.
    const [row] = await srv.deps.orm.em
      .fork()
      .execute<Record<string, unknown>[]>('select * from portal_sessions where id = ?', [s.id]);
    expect(JSON.stringify(row)).not.toContain(s.token.slice(3));
    expect(JSON.stringify(row)).not.toContain(codeOf(s.url));
  });

  it('needs users:write, and refuses bad input with the field', async () => {
    const reader = await keyWithScopes(call, ['workflows:write']);
    const denied = await call('POST', '/v1/portal/sessions', { user_key: 'x' }, { key: reader });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_permissions');
    const bad = await call('POST', '/v1/portal/sessions', { user_key: 'ARCHIVED__x', expires_in: 10 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'expires_in',
      'user_key',
    ]);
    const features = await call('POST', '/v1/portal/sessions', { user_key: 'x', features: ['admin'] });
    expect(features.body.error.details[0].path).toBe('features.0');
    const nothing = await call('POST', '/v1/portal/sessions', { user_key: 'x', features: ['read_only'] });
    expect(nothing.body.error.details).toEqual([
      { path: 'features', message: 'name workflows, webhooks or both' },
    ]);
  });
});

describe('the link and the token', () => {
  it("with the embed's publishable key, trades only a link of that key's account", async () => {
    const pk = await call('POST', '/v1/api-keys', { name: 'embed', kind: 'publishable' });
    expect(pk.status, JSON.stringify(pk.body)).toBe(201);
    const ours = pk.body.data.key as string;
    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Elsewhere' });
    const exchange = (code: string, publishable_key: string) =>
      call('POST', '/v1/portal/sessions/exchange', { code, publishable_key }, { key: '' });

    const s = await session('embedded');
    // Another account's publishable key: the link is unknown there, and is not used up by the attempt.
    const foreign = await exchange(codeOf(s.url), other.publishableKey);
    expect(foreign.status).toBe(401);
    expect(foreign.body.error.details[0].reason).toBe('link_unknown');
    // Not a publishable key at all (a secret key, or garbage): refused as such.
    const secret = await exchange(codeOf(s.url), srv.apiKey);
    expect(secret.body.error.details[0].reason).toBe('publishable_key_invalid');
    const junk = await exchange(codeOf(s.url), 'pk_live_not-a-key-of-ours-0000000000000');
    expect(junk.body.error.details[0].reason).toBe('publishable_key_invalid');
    // The account's own key trades it.
    const mine = await exchange(codeOf(s.url), ours);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.data.token).toMatch(/^ps_/);
  });

  it('trades the code once; the browser token then works until log out', async () => {
    const s = await session('ada');
    const first = await call('POST', '/v1/portal/sessions/exchange', { code: codeOf(s.url) }, { key: '' });
    expect(first.status).toBe(200);
    const browser = first.body.data.token as string;
    expect(browser).toMatch(/^ps_/);
    expect(browser).not.toBe(s.token);
    const again = await call('POST', '/v1/portal/sessions/exchange', { code: codeOf(s.url) }, { key: '' });
    expect(again.status).toBe(401);
    expect(again.body.error.details[0].reason).toBe('link_used');
    const unknown = await call('POST', '/v1/portal/sessions/exchange', { code: 'nope' }, { key: '' });
    expect(unknown.body.error.details[0].reason).toBe('link_unknown');

    const me = await call('GET', '/v1/portal/session', undefined, { key: browser });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      object: 'portal_context',
      session: { id: s.id, features: ['workflows', 'webhooks'] },
      user: { key: 'ada', primary_color: null, logo_url: null },
      account: { time_zone: 'UTC', stop_events: [] },
    });
    // The host's token reaches the same session.
    expect((await call('GET', '/v1/portal/session', undefined, { key: s.token })).body.data.session.id).toBe(
      s.id,
    );

    const out = await call('DELETE', '/v1/portal/session', undefined, { key: browser });
    expect(out.status).toBe(200);
    for (const token of [browser, s.token]) {
      const after = await call('GET', '/v1/workflows', undefined, { key: token });
      expect(after.status).toBe(401);
      expect(after.body.error).toMatchObject({
        code: 'invalid_key',
        details: [expect.objectContaining({ reason: 'session_revoked' })],
      });
    }
  });

  it('is revoked by DELETE /v1/portal/sessions/{id}, expires, and dies with its user', async () => {
    const revoked = await session('rev');
    expect((await call('GET', '/v1/workflows', undefined, { key: revoked.token })).status).toBe(200);
    const del = await call('DELETE', `/v1/portal/sessions/${revoked.id}`);
    expect(del.status).toBe(200);
    expect(del.body.data).toMatchObject({ id: revoked.id, revoked: true, user_key: 'rev' });
    expect((await call('GET', '/v1/workflows', undefined, { key: revoked.token })).status).toBe(401);
    expect((await call('DELETE', '/v1/portal/sessions/01900000-0000-7000-8000-000000000000')).status).toBe(
      404,
    );

    const expiring = await session('exp');
    await srv.deps.pool.query(
      `update portal_sessions set expires_at = now() - interval '1 second' where id = $1`,
      [expiring.id],
    );
    const expired = await call('GET', '/v1/workflows', undefined, { key: expiring.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.details[0].reason).toBe('session_expired');
    const link = await call(
      'POST',
      '/v1/portal/sessions/exchange',
      { code: codeOf(expiring.url) },
      { key: '' },
    );
    expect(link.body.error.details[0].reason).toBe('session_expired');

    const leaving = await session('leaving');
    expect((await call('DELETE', '/v1/users/leaving')).status).toBe(200);
    expect((await call('GET', '/v1/workflows', undefined, { key: leaving.token })).status).toBe(401);
  });
});

describe("a session reaches its own user's data only", () => {
  let ada: string;
  let bobWorkflow: string;
  let bobHook: string;
  beforeAll(async () => {
    ada = (await session('ada2')).token;
    const wf = await call('POST', '/v1/workflows', { name: 'Bob flow', user_key: 'bob2' });
    bobWorkflow = wf.body.data.id;
    const hook = await call('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/bob',
      events: ['deal.won'],
      user_key: 'bob2',
    });
    expect(hook.status).toBe(201);
    bobHook = hook.body.data.webhook.id;
  });

  it('creates and lists workflows as its user, and never sees another user’s', async () => {
    const mine = await call('POST', '/v1/workflows', { name: 'Ada flow' }, { key: ada });
    expect(mine.status).toBe(201);
    expect(mine.body.data.user_key).toBe('ada2');
    const list = await call('GET', '/v1/workflows', undefined, { key: ada });
    expect(list.body.data.map((w: { name: string }) => w.name)).toEqual(['Ada flow']);
    expect((await call('GET', `/v1/workflows/${bobWorkflow}`, undefined, { key: ada })).status).toBe(404);
    for (const [method, path] of [
      ['PUT', `/v1/workflows/${bobWorkflow}`],
      ['DELETE', `/v1/workflows/${bobWorkflow}`],
      ['POST', `/v1/workflows/${bobWorkflow}/clone`],
      ['POST', `/v1/workflows/${bobWorkflow}/publish`],
      ['POST', `/v1/workflows/${bobWorkflow}/execute`],
    ] as const) {
      const res = await call(method, path, method === 'PUT' ? { name: 'taken over' } : undefined, {
        key: ada,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const named = await call('GET', '/v1/workflows?user_key=bob2', undefined, { key: ada });
    expect(named.status).toBe(403);
    expect((await call('GET', `/v1/workflows/${bobWorkflow}`)).body.data.name).toBe('Bob flow');
  });

  it('the same over tRPC', async () => {
    const list = await trpc(ada, 'workflows.list', {});
    expect(list.status).toBe(200);
    expect(list.body.result.data.data.map((w: { user_key: string }) => w.user_key)).toEqual(['ada2']);
    const other = await trpc(ada, 'workflows.get', { id: bobWorkflow });
    expect(other.status).toBe(404);
    expect(other.body.error.data.appCode).toBe('not_found');
    const admin = await trpc(ada, 'apiKeys.list', {});
    expect(admin.status).toBe(403);
    const hook = await trpc(ada, 'webhooks.rotateSecret', { id: bobHook }, 'mutation');
    expect(hook.status).toBe(404);
  });

  it('owns its webhooks: creates them as its user and cannot reach another’s or their deliveries', async () => {
    // Ada subscribes bob's URL: the same URL as bob's is fine, since URLs are unique per owner (so a 409 never tells
    // ada what bob has), but not twice.
    const subscribeBobsUrl = (events: string[]) =>
      call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/bob', events }, { key: ada });
    const created = await subscribeBobsUrl(['deal.won']);
    expect(created.status).toBe(201);
    expect(created.body.data.webhook.user_key).toBe('ada2');
    const dup = await subscribeBobsUrl(['*']);
    expect(dup.status).toBe(409);
    const list = await call('GET', '/v1/webhooks', undefined, { key: ada });
    expect(list.body.data.map((h: { id: string }) => h.id)).toEqual([created.body.data.webhook.id]);
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${bobHook}`],
      ['PATCH', `/v1/webhooks/${bobHook}`],
      ['DELETE', `/v1/webhooks/${bobHook}`],
      ['POST', `/v1/webhooks/${bobHook}/rotate-secret`],
      ['POST', `/v1/webhooks/${bobHook}/test`],
      ['GET', `/v1/webhooks/${bobHook}/deliveries`],
      ['POST', `/v1/webhooks/${bobHook}/recover`],
    ] as const) {
      const body =
        method === 'PATCH'
          ? { active: false }
          : path.endsWith('recover')
            ? { since: '2020-01-01T00:00:00Z' }
            : undefined;
      const res = await call(method, path, body, { key: ada });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // The account's key sees every endpoint, and can ask for one user's.
    const all = await call('GET', '/v1/webhooks');
    expect(all.body.data.length).toBe(2);
    const bobs = await call('GET', '/v1/webhooks?user_key=bob2');
    expect(bobs.body.data.map((h: { id: string }) => h.id)).toEqual([bobHook]);
  });

  it("cannot reach another user's executions and deliveries by id", async () => {
    const exec = await srv.deps.pool.query<{ id: string }>(
      `insert into executions (id, account_id, workflow_id, user_key, status, data, template, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, 'bob2', 'failed', '{}', '{"nodes":[],"edges":[]}', now(), now())
       returning id`,
      [srv.accountId, bobWorkflow],
    );
    const execId = exec.rows[0]?.id;
    for (const [method, path] of [
      ['GET', `/v1/executions/${execId}`],
      ['POST', `/v1/executions/${execId}/stop`],
      ['POST', `/v1/executions/${execId}/start`],
      ['POST', `/v1/executions/${execId}/rerun`],
    ] as const) {
      expect((await call(method, path, undefined, { key: ada })).status, `${method} ${path}`).toBe(404);
    }
    expect((await call('GET', '/v1/executions', undefined, { key: ada })).body.data).toEqual([]);
    expect((await call('GET', `/v1/executions/${execId}`)).status).toBe(200);

    const delivery = await srv.deps.pool.query<{ id: string }>(
      `insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, null, 'webhook.test', 'failed', 1, now(), now()) returning id`,
      [srv.accountId, bobHook],
    );
    const deliveryId = delivery.rows[0]?.id;
    expect((await call('GET', `/v1/deliveries/${deliveryId}`, undefined, { key: ada })).status).toBe(404);
    expect((await call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, { key: ada })).status).toBe(
      404,
    );
    expect((await call('GET', `/v1/deliveries/${deliveryId}`)).status).toBe(200);
    // A malformed id is the route's own 400, as for a key.
    expect((await call('GET', '/v1/executions/not-a-uuid', undefined, { key: ada })).status).toBe(400);
  });

  it('never reaches admin routes, users, events, connections or session minting', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys', { name: 'x', scopes: ['admin'] }],
      ['GET', '/v1/account'],
      ['GET', '/v1/connections'],
      ['GET', '/v1/users'],
      ['GET', '/v1/users/bob2'],
      ['PUT', '/v1/users/ada2', { name: 'me' }],
      ['POST', '/v1/events', { type: 'deal.won', data: {} }],
      ['GET', '/v1/events'],
      ['GET', '/v1/event-types'],
      ['POST', '/v1/executions/stop', { stop_event: 'x' }],
      ['POST', '/v1/trigger', { event: 'deal.won' }],
      ['POST', '/v1/portal/sessions', { user_key: 'bob2' }],
    ] as const) {
      const res = await call(method, path, body, { key: ada });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('insufficient_permissions');
    }
  });

  it('read_only and features narrow what it may do', async () => {
    const ro = (await session('ro', { features: ['workflows', 'read_only'] })).token;
    expect((await call('GET', '/v1/workflows', undefined, { key: ro })).status).toBe(200);
    expect((await call('POST', '/v1/workflows', { name: 'x' }, { key: ro })).status).toBe(403);
    expect((await call('GET', '/v1/webhooks', undefined, { key: ro })).status).toBe(403);
  });

  it('the portal routes answer a session only', async () => {
    const res = await call('GET', '/v1/portal/session');
    expect(res.status).toBe(403);
    const types = await call('GET', '/v1/portal/event-types', undefined, { key: ada });
    expect(types.body.data).toHaveLength(28);
  });

  it("lists the fields of the user's own events of a type, never another user's", async () => {
    await call('POST', '/v1/events', {
      type: 'deal.won',
      user_key: 'ada2',
      data: { id: 'd1', amount: 5, owner: { email: 'a@x' } },
    });
    await call('POST', '/v1/events', {
      type: 'deal.won',
      user_key: 'bob2',
      data: { id: 'd2', secret_field: 1 },
    });
    const res = await call('GET', '/v1/portal/event-fields?type=deal.won', undefined, { key: ada });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      type: 'deal.won',
      entity: 'deal',
      fields: [
        { path: 'amount', type: 'number' },
        { path: 'id', type: 'string' },
        { path: 'owner', type: 'object' },
        { path: 'owner.email', type: 'string' },
      ],
    });
  });
});
