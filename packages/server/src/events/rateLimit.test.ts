import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import type { AppError } from '../errors.ts';
import { RateCharge } from '../http/rateLimit.ts';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller } from '../webhooks/testHelpers.ts';

// Event ingestion counts the request in its own statement; these check that it counts exactly like every other route.
const LIMIT = 3;
let srv: TestServer;
let call: ReturnType<typeof apiCaller>;
beforeAll(async () => {
  srv = await startTestServer({ RATE_LIMIT_POINTS: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' });
  call = apiCaller(srv);
});
afterAll(() => srv?.close());

async function freshKey(): Promise<{ key: string; accountId: string }> {
  const { account, apiKey } = await createAccount(srv.deps.orm.em.fork(), { name: 'Limited' });
  return { key: apiKey, accountId: account.id };
}

/** The host's events stored for the account (not the `workflow.*` notices Switchyard adds). */
async function storedEvents(accountId: string): Promise<number> {
  const { rows } = await srv.deps.pool.query(
    `select count(*)::int as n from events where account_id = $1 and type = 'deal.updated'`,
    [accountId],
  );
  return rows[0].n;
}

/** Publishes a Start-only workflow on `deal.updated` with `key` (its creation counts one call). */
async function publishOnUpdate(key: string, name: string): Promise<void> {
  const wf = await call(
    'POST',
    '/v1/workflows',
    {
      name,
      event_trigger: 'deal.updated',
      template_status: 'published',
      template: { nodes: [{ id: 'start', type: 'Start' }], edges: [] },
    },
    { key },
  );
  expect(wf.status).toBe(201);
}

describe('RateCharge.consumeAll', () => {
  it('counts a group as if each call counted alone, and a call counted once answers the same when asked again', async () => {
    const { accountId } = await freshKey();
    const charges = Array.from(
      { length: LIMIT + 2 },
      () => new RateCharge(srv.deps.rateLimiter, `consume-all-${accountId}`, undefined, srv.deps.logger),
    );
    const first = await RateCharge.consumeAll(charges);
    expect(first.map((r) => (r as AppError | null)?.code ?? null)).toEqual([
      ...Array.from({ length: LIMIT }, () => null),
      'rate_limited',
      'rate_limited',
    ]);
    // A group that failed runs its calls again alone: nothing is counted twice, and no refusal is let through.
    const again = await Promise.all(charges.map((c) => RateCharge.consumeAll([c])));
    expect(again.flat()).toEqual(first);
    const [row] = (
      await srv.deps.pool.query('select points from rate_limits where key = $1', [
        srv.deps.rateLimiter.getKey(`consume-all-${accountId}`),
      ])
    ).rows;
    expect(row.points).toBe(LIMIT + 2);
  });
});

describe('POST /v1/events under the rate limit', () => {
  it('counts each call once, sends the X-RateLimit headers, and refuses the excess with 429 storing nothing', async () => {
    const { key, accountId } = await freshKey();
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await call('POST', '/v1/events', { type: 'deal.updated', data: { id: `d${i}` } }, { key });
      expect(res.status).toBe(202);
      expect(res.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      remaining.push(res.headers.get('x-ratelimit-remaining') as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd9' } }, { key });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const batch = await call(
      'POST',
      '/v1/events/batch',
      { events: [{ type: 'deal.updated', data: {} }] },
      { key },
    );
    expect(batch.status).toBe(429);
    expect(await storedEvents(accountId)).toBe(LIMIT);
  });

  it('lets exactly the limit through when many calls of one key arrive at once (they share statements)', async () => {
    const { key, accountId } = await freshKey();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', '/v1/events', { type: 'deal.updated', data: { id: `c${i}` } }, { key }),
      ),
    );
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(LIMIT);
    expect(results.filter((r) => r.status === 429)).toHaveLength(12 - LIMIT);
    expect(new Set(accepted.map((r) => r.body.data.id)).size).toBe(LIMIT);
    expect(accepted.map((r) => r.headers.get('x-ratelimit-remaining')).sort()).toEqual(['0', '1', '2']);
    expect(await storedEvents(accountId)).toBe(LIMIT);
  });

  it('counts a refused body and an idempotent replay too', async () => {
    const { key, accountId } = await freshKey();
    const headers = { 'idempotency-key': 'limited-1' };
    const body = { type: 'deal.updated', data: { id: 'x' } };
    expect((await call('POST', '/v1/events', body, { key, headers })).status).toBe(202);
    const replay = await call('POST', '/v1/events', body, { key, headers });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call('POST', '/v1/events', { data: {} }, { key })).status).toBe(400);
    expect((await call('POST', '/v1/events', body, { key })).status).toBe(429);
    expect(await storedEvents(accountId)).toBe(1);
  });

  it('counts once on the path that stores events in a transaction (an event that starts a workflow)', async () => {
    const { key, accountId } = await freshKey();
    await publishOnUpdate(key, 'On update');
    for (let i = 1; i < LIMIT; i++) {
      const res = await call('POST', '/v1/events', { type: 'deal.updated', data: { id: `w${i}` } }, { key });
      expect(res.status).toBe(202);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1 - i));
    }
    expect((await call('POST', '/v1/events', { type: 'deal.updated', data: {} }, { key })).status).toBe(429);
    expect(await storedEvents(accountId)).toBe(LIMIT - 1);
  });

  it('lets exactly the limit through when many calls that start a workflow arrive at once (counted together)', async () => {
    const { key, accountId } = await freshKey();
    await publishOnUpdate(key, 'On update, at once');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', '/v1/events', { type: 'deal.updated', data: { id: `t${i}` } }, { key }),
      ),
    );
    // The workflow's creation counted one.
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(LIMIT - 1);
    expect(results.filter((r) => r.status === 429)).toHaveLength(12 - (LIMIT - 1));
    expect(accepted.map((r) => r.headers.get('x-ratelimit-remaining')).sort()).toEqual(['0', '1']);
    expect(await storedEvents(accountId)).toBe(LIMIT - 1);
  });
});
