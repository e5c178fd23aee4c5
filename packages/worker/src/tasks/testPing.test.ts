import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiCaller, type Receiver, startReceiver, type TestServer } from '@switchyard/server/testing';
import pg from 'pg';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerAndWorker, startServerAndWorker } from '../testSupport.ts';

// Test pings (seed 002) as they run now: the API enqueues a `test_webhook` job and waits for the worker's answer
// (LISTEN/NOTIFY), with a real worker beside a real server. The API itself never calls out.
let pipeline: ServerAndWorker;
let srv: TestServer;
let call: ReturnType<typeof apiCaller>;
let rx: Receiver;
let db: pg.Pool;
beforeAll(async () => {
  [pipeline, rx] = await Promise.all([
    startServerAndWorker({ RATE_LIMIT_POINTS: '100000', OUTBOUND_ALLOWLIST: '127.0.0.1,localhost,::1' }),
    startReceiver(),
  ]);
  srv = pipeline.srv;
  call = apiCaller(srv);
  db = new pg.Pool({ connectionString: srv.db.url, max: 2 });
});
afterAll(async () => {
  await db?.end();
  await Promise.all([pipeline?.close(), rx?.close()]);
});

let n = 0;
const url = (path = 'hook') => `${rx.url}/${path}-${++n}`;
const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

/** A receiver that holds every request until `release()`, to look at the database while a call is out. */
async function holdingReceiver() {
  const held: http.ServerResponse[] = [];
  let arrived: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((req, res) => {
    req.resume();
    held.push(res);
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    first,
    count: () => held.length,
    release: () => {
      for (const res of held.splice(0)) res.writeHead(204).end();
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('test deliveries (seed 002)', () => {
  it('test_delivery at creation sends a signed ping and reports it', async () => {
    const target = url('ping-ok');
    const res = await call('POST', '/v1/webhooks', {
      url: target,
      events: ['email.sent'],
      test_delivery: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data.test_delivery).toMatchObject({ status: 'succeeded', status_code: 200, error: null });
    expect(res.body.data.webhook.status).toBe('active');
    const ping = rx.requests.find((r) => target.endsWith(r.path));
    expect(ping).toBeDefined();
    const verified = new StandardWebhook(res.body.data.webhook.secret).verify(ping!.body, ping!.headers);
    expect(verified).toMatchObject({ type: 'webhook.test', data: { webhook_id: res.body.data.webhook.id } });
  });

  it('a failed test leaves the webhook paused', async () => {
    rx.reply = (req) => (req.path.includes('ping-fail') ? { status: 500, body: 'down' } : { status: 200 });
    try {
      const res = await call('POST', '/v1/webhooks', {
        url: url('ping-fail'),
        events: ['email.sent'],
        test_delivery: true,
      });
      expect(res.status).toBe(201);
      expect(res.body.data.test_delivery).toMatchObject({ status: 'failed', status_code: 500 });
      expect(res.body.data.webhook).toMatchObject({ status: 'paused', active: false });
      const log = await call('GET', `/v1/deliveries/${res.body.data.test_delivery.delivery_id}`);
      expect(log.body.data).toMatchObject({
        status: 'failed',
        event_type: 'webhook.test',
        attempts_count: 1,
      });
      expect(log.body.data.attempts[0]).toMatchObject({ number: 1, status_code: 500, response_body: 'down' });
    } finally {
      rx.reply = () => ({ status: 200 });
    }
  });

  it('POST /v1/webhooks/{id}/test pings on demand', async () => {
    const created = await call('POST', '/v1/webhooks', { url: url('on-demand'), events: ['email.sent'] });
    const res = await call('POST', `/v1/webhooks/${created.body.data.webhook.id}/test`, {});
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'succeeded', status_code: 200 });
  });
});

describe('rotate-secret', () => {
  it('rotates the secret: shown once, and both secrets sign for 24 h', async () => {
    const created = (await call('POST', '/v1/webhooks', { url: url('rotate'), events: ['deal.won'] })).body
      .data.webhook;
    const rotated = await call('POST', `/v1/webhooks/${created.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.data.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(created.secret);
    const expires = Date.parse(rotated.body.data.previous_secret_expires_at_utc);
    expect(expires - Date.now()).toBeGreaterThan(23.9 * 3_600_000);

    const count = rx.requests.length;
    await call('POST', `/v1/webhooks/${created.id}/test`, {});
    const ping = rx.requests[count]!;
    expect(ping.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(fresh).verify(ping.body, ping.headers)).not.toThrow();
    expect(() => new StandardWebhook(created.secret).verify(ping.body, ping.headers)).not.toThrow();
  });
});

describe('Idempotency-Key with a test ping', () => {
  it('create one webhook and send one test ping, with no transaction or lock held while the ping is out', async () => {
    const rx = await holdingReceiver();
    try {
      const body = { url: `${rx.url}/held`, events: ['deal.won'], test_delivery: true };
      const calls = Array.from({ length: 5 }, () =>
        call('POST', '/v1/webhooks', body, withKey('hook-concurrent')),
      );
      await rx.first;
      // The ping is out: nothing of this database is inside a transaction, and no idempotency row is locked.
      // (The other four calls poll the key meanwhile: a poll's own statement holds its table's lock for the moment
      // it runs. What must not exist is a lock kept by a session between statements, or a session waiting on one.)
      const { rows: open } = await db.query(
        `select state, left(query, 60) as query from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
      );
      expect(open).toEqual([]);
      const { rows: locks } = await db.query(
        `select l.mode, a.state, a.wait_event_type from pg_locks l
           join pg_class c on c.oid = l.relation
           join pg_stat_activity a on a.pid = l.pid
          where c.relname = 'idempotency_records' and l.pid <> pg_backend_pid()
            and (a.state <> 'active' or a.wait_event_type = 'Lock' or not l.granted)`,
      );
      expect(locks).toEqual([]);
      // Another body under the same key does not wait for the first: it is refused at once.
      const other = await call(
        'POST',
        '/v1/webhooks',
        { ...body, url: `${rx.url}/other` },
        withKey('hook-concurrent'),
      );
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_conflict');
      rx.release();
      const results = await Promise.all(calls);
      expect(results.map((r) => r.status)).toEqual(Array(5).fill(201));
      expect(new Set(results.map((r) => r.body.data.webhook.id)).size).toBe(1);
      expect(results[0]?.body.data.test_delivery.status).toBe('succeeded');
      expect(rx.count()).toBe(0);
      const { rows } = await db.query(`select id from webhooks where url = $1`, [`${rx.url}/held`]);
      expect(rows).toHaveLength(1);
    } finally {
      rx.close();
    }
  });
});
