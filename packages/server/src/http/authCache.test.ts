import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller } from '../webhooks/testHelpers.ts';

let srv: TestServer;
let call: ReturnType<typeof apiCaller>;
// Another server process's writes: a connection of its own, outside this process's ORM.
let other: pg.Client;
beforeAll(async () => {
  srv = await startTestServer();
  call = apiCaller(srv);
  other = new pg.Client({ connectionString: srv.db.url });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
  await srv?.close();
});

/** The statuses of `GET path` with `key`, asked every 20 ms, until `done` holds or 5 s pass. */
async function statusUntil(key: string, path: string, done: (status: number) => boolean): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { status } = await call('GET', path, undefined, { key });
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('API keys a server process has seen', () => {
  it('stop working once revoked by another process', async () => {
    const made = await call('POST', '/v1/api-keys', { name: 'elsewhere', scopes: ['users:read'] });
    const key = made.body.data.key as string;
    // Used a few times: the process knows it now.
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/users', undefined, { key })).status).toBe(200);
    await other.query('update api_keys set revoked_at = now() where id = $1', [made.body.data.id]);
    expect(await statusUntil(key, '/v1/users', (s) => s === 401)).toBe(401);
  });

  it('lose a scope taken away by another process, and see the account as changed there', async () => {
    const made = await call('POST', '/v1/api-keys', {
      name: 'narrowed',
      scopes: ['users:read', 'webhooks:read'],
    });
    const key = made.body.data.key as string;
    expect((await call('GET', '/v1/users', undefined, { key })).status).toBe(200);
    await other.query(`update api_keys set scopes = '["webhooks:read"]' where id = $1`, [made.body.data.id]);
    expect(await statusUntil(key, '/v1/users', (s) => s === 403)).toBe(403);

    const zone = async () => (await call('GET', '/v1/account')).body.data.time_zone;
    expect(await zone()).toBe('UTC');
    await other.query(`update accounts set time_zone = 'Asia/Tokyo' where id = $1`, [srv.accountId]);
    const deadline = Date.now() + 5_000;
    while ((await zone()) !== 'Asia/Tokyo' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await zone()).toBe('Asia/Tokyo');
  });

  it('stop working at once when revoked through this process', async () => {
    const made = await call('POST', '/v1/api-keys', { name: 'here', scopes: ['users:read'] });
    const key = made.body.data.key as string;
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/users', undefined, { key })).status).toBe(200);
    expect((await call('DELETE', `/v1/api-keys/${made.body.data.id}`)).status).toBeLessThan(300);
    expect((await call('GET', '/v1/users', undefined, { key })).status).toBe(401);
  });
});
