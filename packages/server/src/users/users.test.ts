import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

const srv = serverForFile();
const call = srv.call;

describe('users over REST', () => {
  it('upserts, fetches and changes only the attributes given', async () => {
    const created = await call('PUT', '/v1/users/u1', {
      name: 'Ada',
      email: 'ada@example.com',
      config: {
        primary_color: '#1f6feb',
        user_data: { places: [{ label: 'Place ABC', value: 54321 }], foo: 'bar' },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      object: 'user',
      key: 'u1',
      name: 'Ada',
      email: 'ada@example.com',
      config: { primary_color: '#1f6feb', logo_url: null, user_data: { foo: 'bar' } },
    });
    expect(created.body.data.created_at_utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.body.data.created_at_string).toMatch(/^[A-Z][a-z]{2} \d\d, \d{4} \d\d:\d\d [ap]m UTC$/);

    const renamed = await call('PUT', '/v1/users/u1', { name: 'Ada L.' });
    expect(renamed.body.data.name).toBe('Ada L.');
    expect(renamed.body.data.email).toBe('ada@example.com');
    expect(renamed.body.data.config.primary_color).toBe('#1f6feb');
    expect(renamed.body.data.id).toBe(created.body.data.id);

    const fetched = await call('GET', '/v1/users/u1');
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual(renamed.body.data);
  });

  it('archives a deleted user as ARCHIVED__<key> and frees the key', async () => {
    await call('PUT', '/v1/users/gone', { name: 'Gone' });
    const deleted = await call('DELETE', '/v1/users/gone');
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.key).toBe('ARCHIVED__gone');
    const missing = await call('GET', '/v1/users/gone');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('refuses bad input with validation_error and the field path', async () => {
    const bad = await call('PUT', '/v1/users/u2', {
      email: 'not-an-email',
      config: { primary_color: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'config.primary_color']));
    expect(bad.body.error.request_id).toBe(bad.headers.get('x-request-id'));
    expect((await call('GET', '/v1/users/u2')).status).toBe(404);
  });

  it('pages through 60 users forwards and backwards with no gap or repeat', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    for (const key of keys) await call('PUT', `/v1/users/${key}`, { name: key });
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages: string[][] = [];
    for (;;) {
      const q = new URLSearchParams({ limit: '7', ...(cursor ? { starting_after: cursor } : {}) });
      const page = await call('GET', `/v1/users?${q}`);
      expect(page.body.meta.page_limit).toBe(7);
      const ids = page.body.data.map((u: { id: string }) => u.id);
      pages.push(ids);
      seen.push(...page.body.data.map((u: { key: string }) => u.key));
      if (!page.body.meta.has_next_page) break;
      cursor = ids.at(-1);
    }
    const pageKeys = seen.filter((k) => k.startsWith('page-'));
    expect(pageKeys).toEqual([...keys].reverse());
    expect(new Set(seen).size).toBe(seen.length);

    // Walk back from the last page with ending_before: the same pages, in reverse.
    let before = pages.at(-1)?.[0];
    const back: string[][] = [];
    for (;;) {
      const page = await call('GET', `/v1/users?limit=7&ending_before=${before}`);
      const ids = page.body.data.map((u: { id: string }) => u.id);
      back.push(ids);
      if (!page.body.meta.has_previous_page) break;
      before = ids[0];
    }
    // Each step back is exactly the forward page before it.
    expect([...back].reverse()).toEqual(pages.slice(0, -1));
  });
});
