import { describe, expect, it } from 'vitest';
import { clientForFile } from '../test/clientForFile.ts';
import { rejection } from '../test/rejection.ts';
import { createClient, isSwitchyardError, paginate } from './index.ts';

const { srv, client } = clientForFile();

describe('calls return the resource', () => {
  it('upserts and fetches a user without the data envelope', async () => {
    const user = await client.users.upsert({
      key: 'ada',
      name: 'Ada',
      config: { user_data: { plan: 'pro' } },
    });
    expect(user).toMatchObject({
      object: 'user',
      key: 'ada',
      name: 'Ada',
      config: { user_data: { plan: 'pro' } },
    });
    expect(user).not.toHaveProperty('data');
    const again = await client.users.get({ key: 'ada' });
    expect(again.id).toBe(user.id);
    expect(again.created_at_utc).toMatch(/Z$/);
  });

  it('keeps data and meta for a list page', async () => {
    const page = await client.users.list({ limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.meta).toEqual({ page_limit: 1, has_next_page: true, has_previous_page: false });
  });

  it('creates, lists and revokes API keys (mutations named create/revoke, a query named list)', async () => {
    const created = await client.apiKeys.create({ name: 'ci', scopes: ['users:read'] });
    expect(created.key).toMatch(/^sk_live_/);
    const limited = createClient({ baseUrl: srv.url, apiKey: created.key });
    expect((await limited.users.get({ key: 'ada' })).key).toBe('ada');
    const revoked = await client.apiKeys.revoke({ id: created.id });
    expect(revoked.revoked).toBe(true);
    const err = await rejection(limited.users.get({ key: 'ada' }));
    expect(err).toMatchObject({ code: 'invalid_key', status: 401 });
  });
});

describe('errors are SwitchyardErrors with the API code, status, request id and details', () => {
  it('not_found', async () => {
    const err = await rejection(client.users.get({ key: 'nobody' }));
    expect(err.code).toBe('not_found');
    expect(err.status).toBe(404);
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toMatch(/not found/i);
    expect(isSwitchyardError(err, 'not_found')).toBe(true);
  });

  it('validation_error with field details, and nothing is created', async () => {
    // The bad value can only come from outside the types (e.g. JSON from a form), hence the cast.
    const err = await rejection(client.users.upsert({ key: 'bob', email: 'not-an-email' as never }));
    expect(err).toMatchObject({ code: 'validation_error', status: 400 });
    expect(err.details).toEqual([expect.objectContaining({ path: 'email' })]);
    expect((await rejection(client.users.get({ key: 'bob' }))).code).toBe('not_found');
  });

  it('insufficient_permissions for a key without the scope', async () => {
    const readOnly = await client.apiKeys.create({ name: 'reader', scopes: ['users:read'] });
    const limited = createClient({ baseUrl: srv.url, apiKey: readOnly.key });
    const err = await rejection(limited.users.upsert({ key: 'carol' }));
    expect(err).toMatchObject({
      code: 'insufficient_permissions',
      status: 403,
      details: [expect.objectContaining({ required: 'users:write' })],
    });
  });

  it('network_error when nothing listens, after the retries', async () => {
    const dead = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x', maxRetries: 1, baseDelayMs: 1 });
    const err = await rejection(dead.users.get({ key: 'ada' }));
    expect(err).toMatchObject({ code: 'network_error', status: null, requestId: null });
  });

  it('an AbortSignal ends the call', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(client.users.get({ key: 'ada' }, { signal: ac.signal })).rejects.toThrow(/abort/i);
  });
});

describe('pagination', () => {
  it('listAll and paginate walk every page newest first', async () => {
    for (let i = 0; i < 7; i++) await client.users.upsert({ key: `page-${i}` });
    const all: string[] = [];
    for await (const user of client.users.listAll({ limit: 3 })) all.push(user.key);
    const direct = (await client.users.list({ limit: 100 })).data.map((u) => u.key);
    expect(all).toEqual(direct);
    expect(all.slice(0, 7)).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);

    const viaHelper: string[] = [];
    for await (const user of paginate(client.users.list, { limit: 2 })) viaHelper.push(user.key);
    expect(viaHelper).toEqual(direct);
  });

  it('stops fetching when the loop breaks', async () => {
    let calls = 0;
    const counting = createClient({
      baseUrl: srv.url,
      apiKey: srv.apiKey,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    for await (const _ of counting.users.listAll({ limit: 2 })) break;
    expect(calls).toBe(1);
  });
});
