import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// Seed 004 addresses a workflow by key with `id_type=key` on every route that takes an id, and every workflow
// response carries `stats`. Here each route is called both ways: in the query string and in the body.
const srv = serverForFile();
const call = srv.call;

const template = {
  nodes: [
    { id: 'start_of_workflow', name: 'Start Workflow', type: 'Start' },
    { id: 'a', name: 'Wait 2 hours', type: 'Delay', delay_n: 2, delay_unit: 'hour' },
  ],
  edges: ['start_of_workflow-a'],
};
const zeroStats = {
  start_of_workflow: { pending: 0, scheduled: 0, running: 0, succeeded: 0, failed: 0, skipped: 0 },
  a: { pending: 0, scheduled: 0, running: 0, succeeded: 0, failed: 0, skipped: 0 },
};

async function create(key: string, userKey = 'main') {
  const res = await call('POST', '/v1/workflows', {
    name: `Flow ${key}`,
    key,
    user_key: userKey,
    template,
    template_status: 'published',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.data.stats).toEqual(zeroStats);
  return res.body.data as { id: string; key: string };
}

describe('id_type=key on every route that takes a workflow id', () => {
  it.each(['query', 'body'] as const)('works with id_type in the %s', async (where) => {
    const key = `flow-${where}`;
    const wf = await create(key, 'bob');
    const q = where === 'query' ? '?id_type=key&user_key=bob' : '';
    const b = (extra: Record<string, unknown> = {}) =>
      where === 'body' ? { id_type: 'key', user_key: 'bob', ...extra } : extra;

    const got = await call('GET', `/v1/workflows/${key}?id_type=key&user_key=bob`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id: wf.id, stats: zeroStats });

    const put = await call('PUT', `/v1/workflows/${key}${q}`, b({ name: `Renamed ${where}` }));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({ id: wf.id, name: `Renamed ${where}`, stats: zeroStats });

    const published = await call('POST', `/v1/workflows/${key}/publish${q}`, b());
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.data).toMatchObject({ id: wf.id, stats: zeroStats });

    const executed = await call('POST', `/v1/workflows/${key}/execute${q}`, b({ execution_data: { n: 1 } }));
    expect(executed.status, JSON.stringify(executed.body)).toBe(202);
    expect(executed.body.data).toMatchObject({ id: wf.id, execution_id: expect.any(String) });
    // Its stats count the execution just started (one Start step, one Delay step, both pending).
    expect(executed.body.data.stats).toEqual({
      start_of_workflow: { ...zeroStats.start_of_workflow, pending: 1 },
      a: { ...zeroStats.a, pending: 1 },
    });

    const cloned = await call('POST', `/v1/workflows/${key}/clone${q}`, b());
    expect(cloned.status, JSON.stringify(cloned.body)).toBe(201);
    expect(cloned.body.data).toMatchObject({
      key: expect.stringMatching(new RegExp(`^${key}_\\d+$`)),
      user_key: 'bob',
      stats: zeroStats,
    });

    const deleted = await call(
      'DELETE',
      `/v1/workflows/${key}?id_type=key&user_key=bob`,
      where === 'body' ? b() : undefined,
    );
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body.data).toMatchObject({ id: wf.id });
    expect(deleted.body.data.stats).toBeDefined();
    expect((await call('GET', `/v1/workflows/${wf.id}`)).status).toBe(404);
  });

  it('without id_type the key is not an id (404), and a query and body that disagree are refused', async () => {
    await create('solo');
    const byKeyAsId = await call('POST', '/v1/workflows/solo/execute', {});
    expect(byKeyAsId.status).toBe(404);
    const clash = await call('POST', '/v1/workflows/solo/execute?id_type=key', { id_type: 'id' });
    expect(clash.status).toBe(400);
    expect(clash.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'id_type' }] });
    const bad = await call('PUT', '/v1/workflows/solo?id_type=slug', { name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('id_type');
    const agreed = await call('POST', '/v1/workflows/solo/execute?id_type=key', { id_type: 'key' });
    expect(agreed.status).toBe(202);
  });

  it('lists carry stats too', async () => {
    const list = await call('GET', '/v1/workflows?limit=100');
    expect(list.status).toBe(200);
    for (const w of list.body.data) expect(w.stats).toEqual(expect.any(Object));
  });
});
