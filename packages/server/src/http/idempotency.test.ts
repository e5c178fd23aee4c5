import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// Idempotency-Key as the SDK uses it (on every mutation): the key is claimed in a statement of its own, the work
// runs as without a key, and the response is stored sealed.
const srv = serverForFile({ RATE_LIMIT_POINTS: '100000' });
const call = srv.call;
let db: pg.Pool;
beforeAll(async () => {
  db = new pg.Pool({ connectionString: srv.db.url, max: 2 });
});
afterAll(() => db?.end());

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

describe('secrets in stored responses', () => {
  it('replays API keys and signing secrets, and no plaintext sy_/sk_/whsec_ value is anywhere in the database', async () => {
    const secrets: string[] = [];
    for (const key of ['keys-1', 'life-keys-2']) {
      const body = { name: key, scopes: ['users:read'] };
      const first = await call('POST', '/v1/api-keys', body, withKey(key));
      const again = await call('POST', '/v1/api-keys', body, withKey(key));
      expect(first.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      secrets.push(first.body.data.key);
    }
    const hookBody = { url: 'http://127.0.0.1:9/secret-hook', events: ['deal.won'] };
    const hook = await call('POST', '/v1/webhooks', hookBody, withKey('hook-1'));
    const hookAgain = await call('POST', '/v1/webhooks', hookBody, withKey('hook-1'));
    expect(hook.status).toBe(201);
    expect(hookAgain.body.data.webhook.secret).toBe(hook.body.data.webhook.secret);
    secrets.push(hook.body.data.webhook.secret);
    const rotated = await call(
      'POST',
      `/v1/webhooks/${hook.body.data.webhook.id}/rotate-secret`,
      {},
      withKey('rot-1'),
    );
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.data.secret);
    expect(secrets.map((s) => s.slice(0, 3))).toEqual(['sk_', 'sk_', 'whs', 'whs']);

    // Every text-like column of every table (ours and graphile-worker's), read as text.
    const { rows: columns } = await db.query<{ schema: string; table: string; column: string }>(
      `select c.table_schema as schema, c.table_name as table, c.column_name as column
         from information_schema.columns c join information_schema.tables t
           on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema in ('public', 'graphile_worker', 'graphile_worker_private')
          and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'bytea')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    // Anchored: a sealed value is base64url, in which "sk_" followed by 20 such characters turns up by chance.
    const pattern = '(^|[^A-Za-z0-9_-])((sy|sk)_[A-Za-z0-9_-]{20,}|whsec_[A-Za-z0-9+/=]{20,})';
    for (const { schema, table, column } of columns) {
      const ident = `"${schema}"."${table}"`;
      const { rows } = await db.query<{ v: string }>(
        `select "${column}"::text as v from ${ident} where "${column}"::text ~ $1`,
        [pattern],
      );
      for (const r of rows) found.push(`${schema}.${table}.${column}: ${r.v.slice(0, 80)}`);
      for (const secret of secrets) {
        const { rows: exact } = await db.query(
          `select 1 from ${ident} where strpos("${column}"::text, $1) > 0 limit 1`,
          [secret],
        );
        if (exact.length > 0) found.push(`${schema}.${table}.${column} holds a secret`);
      }
    }
    expect(found).toEqual([]);
    const { rows: stored } = await db.query<{ response: unknown; response_sealed: string }>(
      `select response, response_sealed from idempotency_records where key in ('keys-1', 'life-keys-2', 'hook-1', 'rot-1')`,
    );
    expect(stored).toHaveLength(4);
    for (const r of stored) {
      expect(r.response).toBeNull();
      expect(r.response_sealed).toMatch(/^v1\./);
    }
  });
});

describe('concurrent duplicates', () => {
  it('store one event for 20 truly concurrent POST /v1/events with one key, all answered alike', async () => {
    const body = { type: 'deal.won', data: { id: 'concurrent-1' } };
    // One connection each, all written before any answer comes back.
    const agents = Array.from({ length: 20 }, () => new http.Agent({ keepAlive: false }));
    const results = await Promise.all(
      agents.map(
        (agent) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const payload = JSON.stringify(body);
            const req = http.request(
              `${srv.url}/v1/events`,
              {
                method: 'POST',
                agent,
                headers: {
                  authorization: `Bearer ${srv.apiKey}`,
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                  'idempotency-key': 'events-concurrent',
                },
              },
              (res) => {
                let text = '';
                res.on('data', (c) => {
                  text += c;
                });
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
              },
            );
            req.on('error', reject);
            req.end(payload);
          }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(results.map((r) => JSON.parse(r.body).data.id)).size).toBe(1);
    const { rows } = await db.query(`select id from events where data->>'id' = 'concurrent-1'`);
    expect(rows).toHaveLength(1);
  });
});

describe('events: the key claimed in the ingestion statement', () => {
  const countOf = async (marker: string) =>
    (await db.query(`select 1 from events where data->>'marker' = $1`, [marker])).rows.length;

  it.each([
    ['/v1/events', { type: 'deal.won', data: { id: 'd-1', marker: 'one' } }, 'one'],
    ['/v1/events/batch', { events: [{ type: 'deal.won', data: { id: 'd-2', marker: 'many' } }] }, 'many'],
  ])(
    '%s: one call stores, the record holds its answer sealed, a resend replays it, another body is 409',
    async (path, body, marker) => {
      const key = `in-statement-${marker}`;
      const first = await call('POST', path, body, withKey(key));
      expect(first.status, JSON.stringify(first.body)).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const { rows } = await db.query(
        `select response, response_sealed, locked_until from idempotency_records where key = $1`,
        [key],
      );
      expect(rows).toHaveLength(1);
      // Recorded with the events: no lease left to lapse, the answer only sealed.
      expect(rows[0]).toMatchObject({ response: null, locked_until: null });
      const id = JSON.stringify(first.body.data).match(/[0-9a-f-]{36}/)?.[0] as string;
      expect(rows[0].response_sealed).not.toContain(id);

      const again = await call('POST', path, body, withKey(key));
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await countOf(marker)).toBe(1);

      const other = await call('POST', path, { ...body, extra: 1 }, withKey(key));
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_conflict');
      expect(await countOf(marker)).toBe(1);
    },
  );

  it('an expired key is claimed anew: the resend stores a new event', async () => {
    const body = { type: 'deal.won', data: { id: 'd-3', marker: 'expired' } };
    const first = await call('POST', '/v1/events', body, withKey('in-statement-expired'));
    await db.query(
      `update idempotency_records set expires_at = now() - interval '1 second' where key = 'in-statement-expired'`,
    );
    const later = await call('POST', '/v1/events', body, withKey('in-statement-expired'));
    expect(later.status).toBe(202);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(later.body.data.id).not.toBe(first.body.data.id);
    expect(await countOf('expired')).toBe(2);
  });

  it("an event with the host's own id claims its key first, as other routes do, and still replays", async () => {
    const body = { id: 'host-id-1', type: 'deal.won', data: { id: 'd-4', marker: 'host-id' } };
    const first = await call('POST', '/v1/events', body, withKey('host-id-key'));
    const again = await call('POST', '/v1/events', body, withKey('host-id-key'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const { rows } = await db.query(`select locked_until from idempotency_records where key = 'host-id-key'`);
    expect(rows).toEqual([{ locked_until: null }]);
    expect(await countOf('host-id')).toBe(1);
  });
});

describe('claims', () => {
  it('takes over a claim whose process died (its lease lapsed without a response)', async () => {
    await db.query(
      `insert into idempotency_records (id, account_id, key, operation, request_hash, created_at, claimed_by, locked_until)
       values (gen_random_uuid(), $1, 'orphan', 'apiKeys.create', 'unknown', now() - interval '1 hour',
               gen_random_uuid(), now() - interval '1 minute')`,
      [srv.accountId],
    );
    // The orphan's body hash is unknown, so the same key with any body conflicts: use the hash the API would write.
    const body = { name: 'orphan', scopes: ['users:read'] };
    const probe = await call('POST', '/v1/api-keys', body, withKey('probe-orphan'));
    expect(probe.status).toBe(201);
    const { rows } = await db.query<{ request_hash: string }>(
      `select request_hash from idempotency_records where key = 'probe-orphan'`,
    );
    await db.query(`update idempotency_records set request_hash = $1 where key = 'orphan'`, [
      rows[0]?.request_hash,
    ]);
    const res = await call('POST', '/v1/api-keys', body, withKey('orphan'));
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const replay = await call('POST', '/v1/api-keys', body, withKey('orphan'));
    expect(replay.body.data.id).toBe(res.body.data.id);
  });

  it('forgets a key whose call failed, and an expired key', async () => {
    const failed = await call('POST', '/v1/workflows', { name: '' }, withKey('fails-once'));
    expect(failed.status).toBe(400);
    const { rows } = await db.query(`select 1 from idempotency_records where key = 'fails-once'`);
    expect(rows).toEqual([]);
    const first = await call(
      'POST',
      '/v1/api-keys',
      { name: 'ttl', scopes: ['users:read'] },
      withKey('ttl-1'),
    );
    await db.query(
      `update idempotency_records set expires_at = now() - interval '1 second' where key = 'ttl-1'`,
    );
    const later = await call(
      'POST',
      '/v1/api-keys',
      { name: 'ttl', scopes: ['users:read'] },
      withKey('ttl-1'),
    );
    expect(later.status).toBe(201);
    expect(later.body.data.id).not.toBe(first.body.data.id);
  });
});
