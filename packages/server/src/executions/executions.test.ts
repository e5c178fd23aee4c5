import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { apiCaller, serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';

// The API alone (no worker): executions are created by the server in the event's transaction and stay `running`
// with their first job queued, which is all these tests look at.
const srv = serverForFile({ WORKFLOW_MAX_CHAIN_DEPTH: '2', RATE_LIMIT_POINTS: '100000' });
const call = srv.call;

const hook = 'https://hooks.example.com/in';

function simpleTemplate(extra: Record<string, unknown> = {}) {
  return {
    nodes: [
      { id: 'start', type: 'Start' },
      { id: 'call', type: 'Webhook', url: hook, params: 'name: {{name}}' },
    ],
    edges: ['start-call'],
    ...extra,
  };
}

async function createWorkflow(body: Record<string, unknown>) {
  const res = await call('POST', '/v1/workflows', {
    template_status: 'published',
    template: simpleTemplate(),
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, any>;
}

async function executionsOf(workflowId: string, query = '') {
  const res = await call('GET', `/v1/executions?workflow_id=${workflowId}&limit=100${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

describe('circuit breaker', () => {
  it('200 concurrent matching events against max_triggers_per_day 50 start exactly 50; the workflow ends disabled with one workflow.disabled event', async () => {
    const wf = await createWorkflow({
      name: 'Breaker',
      event_trigger: 'deal.created',
      max_triggers_per_day: 50,
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call('POST', '/v1/events', { type: 'deal.created', data: { id: `b-${i}` } }),
      ),
    );
    expect(results.filter((r) => r.status === 202)).toHaveLength(200);
    expect(await executionsOf(wf.id)).toHaveLength(50);
    const now = (await call('GET', `/v1/workflows/${wf.id}`)).body.data;
    expect(now.enabled).toBe(false);
    expect(now.disabled_reason).toMatch(
      /max_triggers_per_day exceeded: more than 50 triggers on \d{4}-\d{2}-\d{2}/,
    );
    expect(now.executions_count).toBe(50);
    expect(now.last_triggered_at).not.toBeNull();
    const disabled = (await call('GET', '/v1/events?type=workflow.disabled&limit=100')).body.data.filter(
      (e: any) => e.data.id === wf.id,
    );
    expect(disabled).toHaveLength(1);
    expect(disabled[0].data).toMatchObject({ reason: now.disabled_reason, max_triggers_per_day: 50 });
    // Disabled: later events start nothing.
    await call('POST', '/v1/events', { type: 'deal.created', data: { id: 'late' } });
    expect(await executionsOf(wf.id)).toHaveLength(50);
  });

  it('concurrent events that start workflows (stored together, a group per commit) are each answered as if alone: a resent id once', async () => {
    const wf = await createWorkflow({ name: 'Grouped', event_trigger: 'deal.archived' });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('POST', '/v1/events', {
          type: 'deal.archived',
          ...(i % 4 === 0 && { id: 'resent' }),
          data: { id: `g-${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 202));
    const resent = results.filter((_, i) => i % 4 === 0).map((r) => r.body.data);
    expect(resent.filter((d) => !d.duplicate)).toHaveLength(1);
    expect(new Set(resent.map((d) => d.id)).size).toBe(1);
    const firsts = results.filter((r) => !r.body.data.duplicate).map((r) => r.body.data.id);
    expect(new Set(firsts).size).toBe(31);
    const executions = await executionsOf(wf.id);
    expect(executions).toHaveLength(31);
    expect(new Set(executions.map((e) => e.event_id))).toEqual(new Set(firsts));
  });

  it('a batch naming one deal twice judges each event on the one before it: changed_to starts only the change', async () => {
    const wf = await createWorkflow({
      name: 'Won',
      event_trigger: 'deal.reopened',
      trigger_conditions: { field: 'status', operator: 'changed_to', value: 'won' },
    });
    const res = await call('POST', '/v1/events/batch', {
      events: [
        { type: 'deal.reopened', data: { id: 'rb-1', status: 'open' } },
        { type: 'deal.reopened', data: { id: 'rb-2', status: 'won' } },
        { type: 'deal.reopened', data: { id: 'rb-1', status: 'won' } },
        { type: 'deal.reopened', data: { id: 'rb-2', status: 'lost' } },
        { type: 'deal.reopened', data: { id: 'rb-1', status: 'won' } },
        { type: 'deal.reopened', data: { id: 'rb-2', status: 'won' } },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const ids = res.body.data.map((e: { id: string }) => e.id);
    // The changes to won start it: rb-1 open → won and rb-2 lost → won. A first event (nothing before it to change
    // from) and won → won do not.
    const started = (await executionsOf(wf.id)).map((e) => e.event_id).sort();
    expect(started).toEqual([ids[2], ids[5]].sort());
    const last = await call('GET', `/v1/events/${ids[4]}`);
    expect(last.body.data.previous).toEqual({ id: 'rb-1', status: 'won' });
  });

  it("one account's transaction waiting on a lock holds up none of another account's workflow starts", async () => {
    const wf = await createWorkflow({ name: 'Lane A', event_trigger: 'deal.split' });
    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Lane B' });
    const callB = (method: string, path: string, body?: unknown) =>
      apiCaller(srv)(method, path, body, { key: other.apiKey });
    const created = await callB('POST', '/v1/workflows', {
      name: 'Lane B',
      event_trigger: 'deal.split',
      template_status: 'published',
      template: simpleTemplate(),
    });
    expect(created.status).toBe(201);
    await call('POST', '/v1/events', { type: 'deal.split', data: { id: 'held' } });
    // Another connection holds the snapshot row of `held`: the next event on it waits in its transaction.
    const holder = new pg.Client({ connectionString: srv.db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select 1 from entity_snapshots where entity_id = 'held' for update`);
      const waiting = call('POST', '/v1/events', { type: 'deal.split', data: { id: 'held', n: 2 } });
      await new Promise((r) => setTimeout(r, 200));
      const b = await callB('POST', '/v1/events', { type: 'deal.split', data: { id: 'free' } });
      expect(b.status).toBe(202);
      expect(
        (await callB('GET', `/v1/executions?workflow_id=${created.body.data.id}`)).body.data,
      ).toHaveLength(1);
      expect(await executionsOf(wf.id)).toHaveLength(1);
      await holder.query('commit');
      expect((await waiting).status).toBe(202);
      expect(await executionsOf(wf.id)).toHaveLength(2);
    } finally {
      await holder.end();
    }
  });

  it('counts the day in the account time zone (one row per local day)', async () => {
    const wf = await createWorkflow({
      name: 'Breaker zone',
      event_trigger: 'deal.deleted',
      max_triggers_per_day: 1,
    });
    expect((await call('POST', '/v1/events', { type: 'deal.deleted', data: { id: 'z1' } })).status).toBe(202);
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: srv.db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select to_char(c.day, 'YYYY-MM-DD') as day, c.n, to_char(now() at time zone a.time_zone, 'YYYY-MM-DD') as today
           from workflow_trigger_counts c join workflows w on w.id = c.workflow_id join accounts a on a.id = w.account_id
          where c.workflow_id = $1`,
        [wf.id],
      );
      expect(rows).toEqual([{ day: rows[0].today, n: 1, today: rows[0].today }]);
    } finally {
      await client.end();
    }
    await call('POST', '/v1/events', { type: 'deal.deleted', data: { id: 'z2' } });
    expect(await executionsOf(wf.id)).toHaveLength(1);
    expect((await call('GET', `/v1/workflows/${wf.id}`)).body.data.enabled).toBe(false);
  });
});

describe('POST /v1/trigger and /execute', () => {
  it('triggers by event with execution_data; precedence template data < execution data < event data', async () => {
    const wf = await createWorkflow({
      name: 'New user',
      event_trigger: 'form.submitted',
      template: simpleTemplate({ data: { name: 'template', source: 'template', only_template: 1 } }),
    });
    const res = await call('POST', '/v1/trigger', {
      event: 'form.submitted',
      execution_data: { name: 'execution', source: 'execution' },
      data: { id: 'f-1', name: 'form' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.event_id).toEqual(expect.any(String));
    expect(res.body.data.executions).toEqual([
      { workflow_id: wf.id, execution_id: expect.any(String), status: 'running', reason: null },
    ]);
    const ex = (await call('GET', `/v1/executions/${res.body.data.executions[0].execution_id}`)).body.data;
    expect(ex.data).toMatchObject({
      name: 'form',
      source: 'execution',
      only_template: 1,
      form: { id: 'f-1', name: 'form' },
      event: { type: 'form.submitted', id: res.body.data.event_id },
      workflow: { id: wf.id, key: wf.key, name: 'New user' },
      user: { key: 'main' },
    });
    expect(ex.event_id).toBe(res.body.data.event_id);
    // Start is resolved when the execution is created, and its first action is queued with the event.
    expect(ex.steps.map((s: any) => [s.node_id, s.status])).toEqual([
      ['start', 'succeeded'],
      ['call', 'scheduled'],
    ]);
    const { rows: jobs } = await srv.deps.pool.query(
      `select t.identifier as task_identifier, j.payload from graphile_worker._private_jobs j
         join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`execution:${ex.id}:call`],
    );
    expect(jobs).toEqual([
      { task_identifier: 'run_workflow_step', payload: { execution_id: ex.id, node_id: 'call' } },
    ]);
  });

  it('triggers given workflows by ids or keys, and all of a user’s; 404 for unknown ones; 400 without a target', async () => {
    const a = await createWorkflow({ name: 'Alpha', user_key: 'u-trig' });
    const b = await createWorkflow({ name: 'Beta', user_key: 'u-trig' });
    const draft = await call('POST', '/v1/workflows', {
      name: 'Draft only',
      user_key: 'u-trig',
      template: simpleTemplate(),
    });
    expect(draft.status).toBe(201);
    const byKey = await call('POST', '/v1/trigger', { workflow_keys: `${a.key}`, user_key: 'u-trig' });
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(202);
    expect(byKey.body.data.executions).toMatchObject([{ workflow_id: a.id, status: 'running' }]);
    const byIds = await call('POST', '/v1/trigger', { workflow_ids: `${a.id},${b.id}`, user_key: 'u-trig' });
    expect(byIds.body.data.executions.map((e: any) => e.workflow_id).sort()).toEqual([a.id, b.id].sort());
    const all = await call('POST', '/v1/trigger', { all_workflows: true, user_key: 'u-trig' });
    expect(all.body.data.executions).toHaveLength(3);
    expect(all.body.data.executions.find((e: any) => e.workflow_id === draft.body.data.id)).toMatchObject({
      status: 'refused',
      reason: 'not published',
    });
    expect(await executionsOf(a.id)).toHaveLength(3);
    expect((await call('GET', `/v1/executions?user_key=u-trig&limit=100`)).body.data).toHaveLength(5);

    const unknown = await call('POST', '/v1/trigger', { workflow_keys: 'nope', user_key: 'u-trig' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const none = await call('POST', '/v1/trigger', {});
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('missing_required_field');
    // An event nothing listens to is accepted and starts nothing (seed 004 answers `{}`).
    const nothing = await call('POST', '/v1/trigger', { event: 'no.such_event' });
    expect(nothing.status).toBe(202);
    expect(nothing.body.data).toMatchObject({ event_id: expect.any(String), executions: [] });
    const badEvent = await call('POST', '/v1/trigger', { event: 'no such event' });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.error.code).toBe('validation_error');
  });

  it('/execute runs the published template now (also when auto_start is off) and answers the workflow', async () => {
    const wf = await createWorkflow({ name: 'Manual', auto_start: false, event_trigger: 'task.updated' });
    // auto_start off: an event leaves the execution waiting for a manual start.
    await call('POST', '/v1/events', { type: 'task.updated', data: { id: 'tu-1' } });
    const [waiting] = await executionsOf(wf.id);
    expect(waiting).toMatchObject({ status: 'waiting', started_at: null });
    const started = await call('POST', `/v1/executions/${waiting!.id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.data.status).toBe('running');
    expect((await call('POST', `/v1/executions/${waiting!.id}/start`)).status).toBe(409);

    const res = await call('POST', `/v1/workflows/${wf.key}/execute`, {
      id_type: 'key',
      execution_data: { name: 'Zed' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({
      id: wf.id,
      name: 'Manual',
      executions_count: 2,
      execution_id: expect.any(String),
    });
    const ex = (await call('GET', `/v1/executions/${res.body.data.execution_id}`)).body.data;
    expect(ex).toMatchObject({ status: 'running', event_id: null, data: { name: 'Zed' } });

    const unpublished = await call('POST', '/v1/workflows', {
      name: 'Never published',
      template: simpleTemplate(),
    });
    const r2 = await call('POST', `/v1/workflows/${unpublished.body.data.id}/execute`);
    expect(r2.status).toBe(400);
    expect(r2.body.error.code).toBe('validation_error');
    expect((await call('POST', '/v1/workflows/00000000-0000-7000-8000-000000000000/execute')).status).toBe(
      404,
    );
  });
});

describe("Switchyard's own workflow events", () => {
  it('start workflows listening on them, but never the workflow they are about, nor a catch-all one', async () => {
    const all = await createWorkflow({ name: 'Catch-all', event_trigger: '*', user_key: 'u-sys' });
    const watcher = await createWorkflow({
      name: 'Watcher',
      event_trigger: 'workflow.triggered',
      user_key: 'u-sys',
    });
    const res = await call('POST', '/v1/events', {
      type: 'meeting.canceled',
      data: { id: 'mc-1' },
      user_key: 'u-sys',
    });
    expect(res.status).toBe(202);
    const catchAll = await executionsOf(all.id);
    expect(catchAll).toHaveLength(1);
    expect(catchAll[0]).toMatchObject({ event_id: res.body.data.id });
    const watched = await executionsOf(watcher.id);
    expect(watched).toHaveLength(1);
    expect(watched[0]!.data.event).toMatchObject({
      type: 'workflow.triggered',
      data: { workflow_id: all.id },
    });
    expect(watched[0]!.caused_by).toEqual([catchAll[0]!.id]);
  });
});

describe('merge context', () => {
  it("carries the user's fields and user_data, and the workflow", async () => {
    const user = await call('PUT', '/v1/users/u-ctx', {
      name: 'Ada',
      email: 'ada@example.com',
      config: { user_data: { company: 'Acme', plan: 'pro' } },
    });
    expect(user.status, JSON.stringify(user.body)).toBeLessThan(300);
    const wf = await createWorkflow({ name: 'Context', user_key: 'u-ctx' });
    const res = await call('POST', '/v1/trigger', {
      workflow_ids: wf.id,
      user_key: 'u-ctx',
      execution_data: { plan: 'override' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const ex = (await call('GET', `/v1/executions/${res.body.data.executions[0].execution_id}`)).body.data;
    expect(ex.user_key).toBe('u-ctx');
    expect(ex.data).toEqual({
      plan: 'override',
      user: {
        key: 'u-ctx',
        name: 'Ada',
        email: 'ada@example.com',
        company: 'Acme',
        plan: 'pro',
        user_data: { company: 'Acme', plan: 'pro' },
      },
      workflow: { id: wf.id, key: wf.key, name: 'Context' },
    });
  });
});

describe('executions API', () => {
  it('lists newest first with filters and cursors, and needs the executions scopes', async () => {
    const wf = await createWorkflow({ name: 'Paged', event_trigger: 'email.opened' });
    for (let i = 0; i < 5; i++)
      await call('POST', '/v1/events', { type: 'email.opened', data: { id: `o-${i}` } });
    const page1 = await call('GET', `/v1/executions?workflow_id=${wf.id}&limit=2`);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.meta).toEqual({ page_limit: 2, has_next_page: true, has_previous_page: false });
    const page2 = await call(
      'GET',
      `/v1/executions?workflow_id=${wf.id}&limit=2&starting_after=${page1.body.data[1].id}`,
    );
    expect(page2.body.data).toHaveLength(2);
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
    expect(
      (await call('GET', `/v1/executions?workflow_id=${wf.id}&status=completed`)).body.data,
    ).toHaveLength(0);
    expect(
      (await call('GET', `/v1/executions?workflow_id=${wf.id}&status=running&limit=100`)).body.data,
    ).toHaveLength(5);
    expect((await call('GET', '/v1/executions?status=bogus')).status).toBe(400);
    expect((await call('GET', '/v1/executions/00000000-0000-7000-8000-000000000000')).status).toBe(404);

    const reader = await keyWithScopes(call, ['executions:read']);
    expect((await call('GET', '/v1/executions', undefined, { key: reader })).status).toBe(200);
    const denied = await call('POST', '/v1/trigger', { all_workflows: true }, { key: reader });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_permissions');
    const other = await keyWithScopes(call, ['workflows:read']);
    expect((await call('GET', '/v1/executions', undefined, { key: other })).status).toBe(403);
  });

  it('loop guard: an event whose cause chain reaches WORKFLOW_MAX_CHAIN_DEPTH starts nothing, visibly', async () => {
    const wf = await createWorkflow({ name: 'Guarded', event_trigger: 'contact.updated' });
    await call('POST', '/v1/events', { type: 'contact.updated', data: { id: 'g' } });
    const [first] = await executionsOf(wf.id);
    // Caused by the first execution: depth 1, allowed; its chain is [first].
    await call('POST', '/v1/events', { type: 'contact.updated', data: { id: 'g' }, caused_by: [first!.id] });
    const second = (await executionsOf(wf.id))[0]!;
    expect(second).toMatchObject({ status: 'running', caused_by: [first!.id] });
    // Caused by the second: the host names only the last execution, the chain is [first, second] = depth 2.
    await call('POST', '/v1/events', { type: 'contact.updated', data: { id: 'g' }, caused_by: [second.id] });
    const third = (await executionsOf(wf.id))[0]!;
    expect(third).toMatchObject({ status: 'skipped', caused_by: [first!.id, second.id] });
    expect(third.error).toMatch(/^loop_guard: caused by a chain of 2 executions/);
    expect((await call('GET', `/v1/executions/${third.id}`)).body.data.steps).toEqual([]);
    expect((await call('GET', `/v1/executions?workflow_id=${wf.id}&status=skipped`)).body.data).toHaveLength(
      1,
    );
  });
});
