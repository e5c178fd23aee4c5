import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// Seed 004: "Users can be auto-discovered … so there is no need to create users ahead of time". An event, a trigger
// or an execute naming a user key the account does not have creates that user, once, however many requests race.
const srv = serverForFile({ RATE_LIMIT_POINTS: '100000' });
const call = srv.call;

const template = {
  nodes: [
    { id: 'start', type: 'Start' },
    { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'day' },
  ],
  edges: ['start-wait'],
};

async function usersNamed(key: string): Promise<number> {
  const { rows } = await srv.deps.pool.query(
    'select count(*)::int as n from users where account_id = $1 and key = $2',
    [srv.accountId, key],
  );
  return rows[0].n;
}

describe('user auto-discovery', () => {
  it('an event naming an unknown user creates it as an attribute-less upsert would', async () => {
    expect((await call('GET', '/v1/users/evt-user')).status).toBe(404);
    const ev = await call('POST', '/v1/events', {
      type: 'deal.won',
      user_key: 'evt-user',
      data: { id: 'd1' },
    });
    expect(ev.status).toBe(202);
    const user = await call('GET', '/v1/users/evt-user');
    expect(user.status).toBe(200);
    expect(user.body.data).toMatchObject({
      key: 'evt-user',
      name: null,
      email: null,
      groups: [],
      config: { primary_color: null, logo_url: null, user_data: {} },
    });
  });

  it('leaves an existing user as it is', async () => {
    await call('PUT', '/v1/users/ada', { name: 'Ada', config: { user_data: { plan: 'pro' } } });
    const before = (await call('GET', '/v1/users/ada')).body.data;
    await call('POST', '/v1/events/batch', {
      events: [
        { type: 'deal.won', user_key: 'ada', data: {} },
        { type: 'deal.lost', user_key: 'batch-new', data: {} },
      ],
    });
    expect((await call('GET', '/v1/users/ada')).body.data).toEqual(before);
    expect((await call('GET', '/v1/users/batch-new')).status).toBe(200);
  });

  it('creates the user once under 60 concurrent events, whichever ingestion path they take', async () => {
    // No workflow listens for `ping`: the one-statement ingestion.
    const fast = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call('POST', '/v1/events', { type: 'ping', user_key: 'crowd', data: { id: `p${i}` } }),
      ),
    );
    expect(fast.map((r) => r.status)).toEqual(Array(30).fill(202));
    expect(await usersNamed('crowd')).toBe(1);

    // A workflow of a user no one created yet listens for `signup`: the transactional path, with executions.
    const wf = await call('POST', '/v1/workflows', {
      name: 'Greet',
      user_key: 'crowd-2',
      event_trigger: 'signup',
      template,
      template_status: 'published',
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    expect(await usersNamed('crowd-2')).toBe(0);
    const general = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call('POST', '/v1/events', { type: 'signup', user_key: 'crowd-2', data: { id: `s${i}` } }),
      ),
    );
    expect(general.map((r) => r.status)).toEqual(Array(30).fill(202));
    expect(await usersNamed('crowd-2')).toBe(1);
    const runs = await call('GET', `/v1/executions?workflow_id=${wf.body.data.id}&limit=100`);
    expect(runs.body.data).toHaveLength(30);
  });

  it('a trigger creates the user once under 40 concurrent requests, by event or by all_workflows', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(
          'POST',
          '/v1/trigger',
          i % 2 === 0 ? { event: 'new_user', user_key: 'racer' } : { all_workflows: true, user_key: 'racer' },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(await usersNamed('racer')).toBe(1);
  });

  it('executing a workflow of a user not created yet creates it', async () => {
    const wf = await call('POST', '/v1/workflows', {
      name: 'Manual',
      key: 'manual',
      user_key: 'owner-x',
      template,
      template_status: 'published',
    });
    expect(wf.status).toBe(201);
    expect((await call('GET', '/v1/users/owner-x')).status).toBe(404);
    const run = await call('POST', '/v1/workflows/manual/execute', { id_type: 'key', user_key: 'owner-x' });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    expect((await call('GET', '/v1/users/owner-x')).status).toBe(200);
  });

  it('refuses a user key no user could have, creating nothing', async () => {
    for (const user_key of ['ARCHIVED__ghost', 'has space', '-dash']) {
      const ev = await call('POST', '/v1/events', { type: 'deal.won', user_key, data: {} });
      expect(ev.status, user_key).toBe(400);
      const tr = await call('POST', '/v1/trigger', { event: 'deal.won', user_key });
      expect(tr.status, user_key).toBe(400);
      expect(await usersNamed(user_key)).toBe(0);
    }
  });
});
