import http from 'node:http';
import { delayThenWebhook } from '@switchyard/core/testing';
import { createOrganisation } from '@switchyard/server';
import { type ReceivedRequest, sendJsonText, sendRaw, waitUntil } from '@switchyard/server/testing';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';

// Seed 004 (Embed Workflow's whole API): each endpoint called with the parameters its page lists, its JSON examples
// sent as printed (URLs pointed at a receiver here, keys replaced), through a real server and worker, and its
// form-encoded ones (`-d "expand[]"="event_trigger"`, `config[primary_color]=…`) as forms.

// "The workflow template object", as printed (its URLs pointed here).
const TEMPLATE = `{
    "nodes": [
      {
        "id": "a",
        "name": "Wait 2 hours",
        "type": "Delay",
        "delay_n": 2,
        "delay_unit": "hour"
      },
      {
        "id": "b",
        "name": "Webhook 1",
        "type": "Webhook",
        "url": "https://domain.com/webhook_example_1",
        "headers": "X-Custom-Header: my_value",
        "params": "one: 1\\ntwo: 2"
      },
      {
        "id": "c",
        "name": "Webhook 2",
        "type": "Webhook",
        "url": "https://domain.com/webhook_example_2",
        "headers": "X-Custom-Header: my_value",
        "params": "one: 1\\ntwo: 2"
      },
      {
        "id": "start_of_workflow",
        "name": "Start Workflow",
        "type": "Start"
      }
    ],
    "edges": [
      "a-b",
      "a-c",
      "start_of_workflow-a"
    ],
    "width": 1500,
    "height": 1200,
    "positions": {
      "start_of_workflow": {
        "x": 450,
        "y": 0
      },
      "a": {
        "x": 450,
        "y": 300
      },
      "b": {
        "x": 200,
        "y": 600
      },
      "c": {
        "x": 700,
        "y": 600
      }
    }
  }`;

const STRING_TIME = /^[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} [ap]m UTC$/;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const { srv, rx } = pipelineForFile();

const here = (text: string) => text.replaceAll('https://domain.com', rx.url);

/** A JSON request as a host sends it: the body text as written, with a Bearer key. */
const send = (method: string, path: string, body?: string, headers?: Record<string, string>) =>
  sendJsonText(srv, method, path, body, headers);

/** Sends as {@link send} does and expects `status`, showing the answer otherwise. */
async function sendExpecting(
  status: number,
  method: string,
  path: string,
  body?: string,
  headers?: Record<string, string>,
) {
  const res = await send(method, path, body, headers);
  expect(res.status, res.text).toBe(status);
  return res;
}

const calledAt = (path: string): ReceivedRequest[] => rx.requests.filter((r) => r.path === path);

/** A published workflow whose one action calls the receiver at `path` with the `name` merge token. */
function calling(path: string, extra: Record<string, unknown>) {
  return JSON.stringify({
    template: {
      nodes: [
        { id: 'start', name: 'Start Workflow', type: 'Start' },
        {
          id: 'hook',
          name: 'Tell the app',
          type: 'Webhook',
          url: `${rx.url}${path}`,
          params: 'name: {{name}}',
        },
      ],
      edges: ['start-hook'],
    },
    template_status: 'published',
    ...extra,
  });
}

describe('seed 004: authentication', () => {
  it('two kinds of key per environment: pk_test/sk_test and pk_live/sk_live', async () => {
    const org = await createOrganisation(srv.deps.orm.em.fork(), { name: 'Embedded' });
    expect(srv.apiKey).toMatch(/^sk_live_/);
    const env = async (key: string) =>
      (await sendRaw(srv.url, 'GET', '/v1/account', { headers: { Authorization: `Bearer ${key}` } })).body
        .data.environment;
    expect(await env(org.live.apiKey)).toBe('live');
    expect(await env(org.test.apiKey)).toBe('test');
    // "The publishable key is intended to be used in client-side code": it identifies the account, nothing more.
    for (const pk of [org.live.publishableKey, org.test.publishableKey]) {
      expect(pk).toMatch(/^pk_(live|test)_/);
      const catalog = await sendRaw(srv.url, 'GET', '/v1/event-types', {
        headers: { Authorization: `Bearer ${pk}` },
      });
      expect(catalog.status).toBe(200);
      const workflows = await sendRaw(srv.url, 'GET', '/v1/workflows', {
        headers: { Authorization: `Bearer ${pk}` },
      });
      expect(workflows.status).toBe(403);
    }
  });
});

describe('seed 004: workflows', () => {
  let first: Record<string, any>;

  it('create: name and the template object as printed → the page’s workflow object', async () => {
    const res = await sendExpecting(
      201,
      'POST',
      '/v1/workflows',
      `{"name": "My First Workflow", "template": ${here(TEMPLATE)}}`,
    );
    first = res.body.data;
    expect(first).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      actions_count: 3,
      auto_start: true,
      event_trigger: null,
      executions_count: 0,
      key: 'my_first_workflow',
      name: 'My First Workflow',
      stats: expect.any(Object),
      stop_event: null,
      template: JSON.parse(here(TEMPLATE)),
      template_status: 'draft',
      trigger_conditions: {},
      updated_at_utc: expect.stringMatching(UTC_TIME),
      updated_at_string: expect.stringMatching(STRING_TIME),
    });
    expect(first.updated_at).toEqual(expect.any(String));
    expect(first.created_at_utc).toMatch(UTC_TIME);
  });

  it('fetch: by id, and by key with id_type=key and user_key=main', async () => {
    const byId = await send('GET', `/v1/workflows/${first.id}`);
    expect(byId.status).toBe(200);
    const byKey = await send('GET', '/v1/workflows/my_first_workflow?id_type=key&user_key=main');
    expect(byKey.body.data).toEqual(byId.body.data);
    expect((await send('GET', '/v1/workflows/my_first_workflow')).status).toBe(404);
  });

  it('expand[]=event_trigger returns the trigger object', async () => {
    await send('PUT', `/v1/workflows/${first.id}`, '{"event_trigger": "form_submission"}');
    const res = await sendExpecting(200, 'GET', `/v1/workflows/${first.id}?expand[]=event_trigger`);
    expect(res.body.data.event_trigger_draft).toMatchObject({
      id: expect.any(String),
      event: 'form_submission',
    });
  });
  it('expand as the page sends it: -d "expand[]"="event_trigger", a form body on a GET', async () => {
    // `curl -X GET … -d "expand[]"="event_trigger"` sends this body (the shell drops the quotes); fetch refuses a GET
    // body, so it goes over node:http as curl sends it.
    const body = 'expand[]=event_trigger';
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${srv.url}/v1/workflows/${first.id}`,
        {
          method: 'GET',
          headers: {
            Authorization: `Bearer ${srv.apiKey}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c) => {
            text += c;
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).data.event_trigger_draft).toMatchObject({ event: 'form_submission' });
  });

  it('update: the page’s parameters, by key; template_status published publishes', async () => {
    const body = JSON.stringify({
      name: 'Updated Name',
      key: 'updated_workflow',
      template: JSON.parse(here(TEMPLATE)),
      user_key: 'main',
      auto_start: true,
      template_status: 'published',
      event_trigger: 'new_lead',
      stop_event: 'is_inactive',
      trigger_conditions: {},
    });
    const res = await sendExpecting(200, 'PUT', '/v1/workflows/my_first_workflow?id_type=key', body);
    expect(res.body.data).toMatchObject({
      id: first.id,
      name: 'Updated Name',
      key: 'updated_workflow',
      actions_count: 3,
      auto_start: true,
      executions_count: 0,
      template_status: 'published',
      event_trigger: 'new_lead',
      stop_event: 'is_inactive',
      updated_at_utc: expect.stringMatching(UTC_TIME),
    });
  });

  it('list: newest first with the page’s meta; starting_after and ending_before page, not both', async () => {
    for (const n of [1, 2, 3]) {
      const res = await send('POST', '/v1/workflows', `{"name": "Listed ${n}"}`);
      expect(res.status).toBe(201);
    }
    const page = await send('GET', '/v1/workflows?limit=2');
    expect(page.status).toBe(200);
    expect(page.body.data.map((w: any) => w.name)).toEqual(['Listed 3', 'Listed 2']);
    expect(page.body.meta).toEqual({ page_limit: 2, has_next_page: true, has_previous_page: false });
    const older = await send('GET', `/v1/workflows?limit=2&starting_after=${page.body.data[1].id}`);
    expect(older.body.data.map((w: any) => w.name)).toEqual(['Listed 1', 'Updated Name']);
    const newer = await send('GET', `/v1/workflows?limit=2&ending_before=${older.body.data[0].id}`);
    expect(newer.body.data.map((w: any) => w.name)).toEqual(['Listed 3', 'Listed 2']);
    const both = await send('GET', `/v1/workflows?starting_after=${first.id}&ending_before=${first.id}`);
    expect(both.status).toBe(400);
    expect((await send('GET', '/v1/workflows')).body.meta.page_limit).toBe(25);
  });

  it('clone: no parameters → a draft copy with a new key', async () => {
    const res = await sendRaw(srv.url, 'POST', `/v1/workflows/${first.id}/clone`, {
      headers: { Authorization: `Bearer ${srv.apiKey}` },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({
      key: expect.stringMatching(/^updated_workflow_\d+$/),
      template_status: 'draft',
      executions_count: 0,
      actions_count: 3,
    });
    expect(res.body.data.id).not.toBe(first.id);
  });

  it('idempotency: the same Idempotency-Key on a POST replays, scoped to its path', async () => {
    const headers = { 'Idempotency-Key': 'YOUR_KEY_HERE' };
    const a = await send('POST', '/v1/workflows', '{"name": "Once"}', headers);
    const b = await send('POST', '/v1/workflows', '{"name": "Once"}', headers);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.data.id).toBe(a.body.data.id);
    // The same key on another path is another key.
    const clone = await send('POST', `/v1/workflows/${a.body.data.id}/clone`, '{}', headers);
    expect(clone.status).toBe(201);
    expect(clone.body.data.id).not.toBe(a.body.data.id);
    // "you can prevent expiration of a key if you prepend the key with life-"
    const life = { 'Idempotency-Key': 'life-YOUR_KEY_HERE' };
    const c = await send('POST', '/v1/workflows', '{"name": "Forever"}', life);
    const d = await send('POST', '/v1/workflows', '{"name": "Forever"}', life);
    expect(d.body.data.id).toBe(c.body.data.id);
  });

  it('delete: answers the workflow, which is gone', async () => {
    const made = await send('POST', '/v1/workflows', '{"name": "Doomed"}');
    const res = await send('DELETE', `/v1/workflows/${made.body.data.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(made.body.data.id);
    expect((await send('GET', `/v1/workflows/${made.body.data.id}`)).status).toBe(404);
  });
});

describe('seed 004: execute, trigger and stop', () => {
  it('execute: id_type=key, user_key and execution_data run the workflow now and answer it with its stats', async () => {
    await sendExpecting(
      201,
      'POST',
      '/v1/workflows',
      calling('/execute', { name: 'New User!', key: 'new_user_exec' }),
    );
    const res = await sendExpecting(
      202,
      'POST',
      '/v1/workflows/new_user_exec/execute',
      '{"id_type": "key", "user_key": "main", "execution_data": {"name": "Ada"}}',
    );
    expect(res.body.data).toMatchObject({
      key: 'new_user_exec',
      name: 'New User!',
      execution_id: expect.any(String),
      stats: { start: expect.any(Object), hook: expect.any(Object) },
    });
    const [hit] = await waitUntil(() => (calledAt('/execute').length > 0 ? calledAt('/execute') : undefined));
    expect(JSON.parse(hit?.body ?? '{}')).toEqual({ name: 'Ada' });
    // The same with id_type in the query string.
    await sendExpecting(
      202,
      'POST',
      '/v1/workflows/new_user_exec/execute?id_type=key',
      '{"execution_data": {"name": "Grace"}}',
    );
    await waitUntil(() => (calledAt('/execute').length > 1 ? true : undefined));
    expect(JSON.parse(calledAt('/execute')[1]?.body ?? '{}')).toEqual({ name: 'Grace' });
  });

  it('trigger {"event":"new_user","user_key":"fresh"}: the new_user workflow runs for a user that did not exist, which then exists', async () => {
    // The user's own New User workflow, made before the user is known (the listing example of the page).
    const made = await sendExpecting(
      201,
      'POST',
      '/v1/workflows',
      calling('/new-user', {
        name: 'New User',
        key: 'new_user',
        user_key: 'fresh',
        event_trigger: 'new_user',
      }),
    );
    expect((await send('GET', '/v1/users/fresh')).status).toBe(404);

    const res = await sendExpecting(202, 'POST', '/v1/trigger', '{"event":"new_user","user_key":"fresh"}');
    expect(res.body.data.executions).toEqual([
      { workflow_id: made.body.data.id, execution_id: expect.any(String), status: 'running', reason: null },
    ]);
    const user = await send('GET', '/v1/users/fresh');
    expect(user.status).toBe(200);
    expect(user.body.data).toMatchObject({ key: 'fresh', object: 'user' });
    await waitUntil(() => (calledAt('/new-user').length > 0 ? true : undefined));
    const execution = await waitUntil(async () => {
      const e = (await send('GET', `/v1/executions/${res.body.data.executions[0].execution_id}`)).body.data;
      return e.status === 'completed' ? e : undefined;
    });
    expect(execution.user_key).toBe('fresh');
    const listed = (await send('GET', '/v1/workflows?user_key=fresh')).body.data[0];
    expect(listed).toMatchObject({ key: 'new_user', event_trigger: 'new_user', executions_count: 1 });
  });

  it('trigger: an event nothing listens to is accepted; workflow_ids, workflow_keys and all_workflows start those', async () => {
    const nothing = await send('POST', '/v1/trigger', '{"event": "form_submission"}');
    expect(nothing.status).toBe(202);
    expect(nothing.body.data.executions).toEqual([]);

    const one = await send(
      'POST',
      '/v1/workflows',
      calling('/by-id', { name: 'Onboarding', key: 'onboarding', user_key: 'u7' }),
    );
    const two = await send(
      'POST',
      '/v1/workflows',
      calling('/by-key', { name: 'New lead', key: 'new_lead', user_key: 'u7' }),
    );
    const byIds = await sendExpecting(
      202,
      'POST',
      '/v1/trigger',
      JSON.stringify({ workflow_ids: `${one.body.data.id},${two.body.data.id}`, user_key: 'u7' }),
    );
    expect(byIds.body.data.executions).toHaveLength(2);
    const byKeys = await send(
      'POST',
      '/v1/trigger',
      '{"workflow_keys": "onboarding,new_lead", "user_key": "u7", "execution_data": {"name": "Linus"}}',
    );
    expect(byKeys.body.data.executions).toHaveLength(2);
    const all = await send('POST', '/v1/trigger', '{"all_workflows": true, "user_key": "u7"}');
    expect(all.body.data.executions).toHaveLength(2);
    await waitUntil(() =>
      calledAt('/by-id').length === 3 && calledAt('/by-key').length === 3 ? true : undefined,
    );
    expect(calledAt('/by-key').map((r) => JSON.parse(r.body).name)).toContain('Linus');
  });

  it('stop: the account’s stop events halt the user’s matching executions', async () => {
    await sendExpecting(
      200,
      'PATCH',
      '/v1/account',
      '{"stop_events": ["new_lead", "signed_up", "is_inactive"]}',
    );
    await sendExpecting(
      201,
      'POST',
      '/v1/workflows',
      JSON.stringify({
        name: 'Nurture',
        key: 'nurture',
        stop_event: 'signed_up',
        template_status: 'published',
        template: delayThenWebhook(`${rx.url}/nudge`, { n: 1, unit: 'day' }),
      }),
    );
    const started = [];
    for (const lead of [7, 8]) {
      const r = await send(
        'POST',
        '/v1/trigger',
        JSON.stringify({ workflow_keys: 'nurture', execution_data: { lead_id: lead } }),
      );
      started.push(r.body.data.executions[0].execution_id);
    }
    const stop = await sendExpecting(
      200,
      'POST',
      '/v1/executions/stop',
      '{"stop_event": "signed_up", "user_key": "main", "filters": {"lead_id": 7}}',
    );
    expect(stop.body.data).toEqual({ stopped: 1, execution_ids: [started[0]] });
    const states = await Promise.all(
      started.map(async (id) => (await send('GET', `/v1/executions/${id}`)).body.data.status),
    );
    expect(states).toEqual(['stopped', 'running']);
    const unknown = await send('POST', '/v1/executions/stop', '{"stop_event": "bought"}');
    expect(unknown.status).toBe(400);
  });
});

describe('seed 004: users', () => {
  it('upsert, fetch and delete (archived as ARCHIVED__<key>), users auto-discovered by events', async () => {
    const put = await sendExpecting(
      200,
      'PUT',
      '/v1/users/user-1',
      '{"name": "Updated Name", "config": {"user_data": {"places": [{ "label": "Place ABC", "value": 54321 }, { "label": "Place DEF", "value": 12345 }], "foo": "bar"}}}',
    );
    expect(put.body.data).toMatchObject({
      key: 'user-1',
      object: 'user',
      id: expect.any(String),
      name: 'Updated Name',
      created_at_utc: expect.stringMatching(UTC_TIME),
      created_at_string: expect.stringMatching(STRING_TIME),
      groups: [],
      config: {
        primary_color: null,
        logo_url: null,
        user_data: {
          places: [
            { label: 'Place ABC', value: 54321 },
            { label: 'Place DEF', value: 12345 },
          ],
          foo: 'bar',
        },
      },
      user_data_schema: expect.any(Array),
    });
    const main = await send('GET', '/v1/users/main');
    expect(main.body.data).toMatchObject({ key: 'main', object: 'user' });
    const deleted = await send('DELETE', '/v1/users/user-1');
    expect(deleted.body.data.key).toBe('ARCHIVED__user-1');
    expect((await send('GET', '/v1/users/user-1')).status).toBe(404);
    // "no need to create users ahead of time"
    await send('POST', '/v1/events', '{"type": "signed_up", "user_key": "walk-in", "data": {}}');
    expect((await send('GET', '/v1/users/walk-in')).status).toBe(200);
  });
  it('upsert form-encoded as the page describes its attributes: config[primary_color], config[user_data][…]', async () => {
    const form =
      'name=Form+User&email=form%40example.com&config[primary_color]=%23ff6600' +
      '&config[logo_url]=https%3A%2F%2Fexample.com%2Flogo.png&config[user_data][plan]=pro';
    const put = await sendExpecting(200, 'PUT', '/v1/users/form-user', form, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(put.body.data).toMatchObject({
      key: 'form-user',
      name: 'Form User',
      email: 'form@example.com',
      config: {
        primary_color: '#ff6600',
        logo_url: 'https://example.com/logo.png',
        user_data: { plan: 'pro' },
      },
    });
    // The form is validated like its JSON twin: a bad colour is the same 400.
    const bad = await send('PUT', '/v1/users/form-user', 'config[primary_color]=not-a-colour', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    const badJson = await send('PUT', '/v1/users/form-user', '{"config": {"primary_color": "not-a-colour"}}');
    expect(bad.status).toBe(badJson.status);
    expect(bad.body.error.code).toBe(badJson.body.error.code);
  });
});
