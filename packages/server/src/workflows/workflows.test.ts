import { seed000Rule, seed004Template } from '@switchyard/core/testing';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { createConnection, serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';

const srv = serverForFile();
const call = srv.call;

/** Seed 004's example template, as written. */
const seedTemplate = seed004Template;

/** Creates a workflow of seed 004's template with `fields` (name, key, template_status …). */
const createSeedWorkflow = (fields: Record<string, unknown>) =>
  call('POST', '/v1/workflows', { ...fields, template: seedTemplate() });

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const READABLE = /^[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} [ap]m UTC$/;

describe('seed 004 workflows', () => {
  it('creates, publishes, fetches (by id and key), lists, clones and deletes the seed template', async () => {
    const created = await createSeedWorkflow({ name: 'My First Workflow' });
    expect(created.status).toBe(201);
    const wf = created.body.data;
    expect(wf).toMatchObject({
      object: 'workflow',
      key: 'my_first_workflow',
      name: 'My First Workflow',
      user_key: 'main',
      auto_start: true,
      enabled: true,
      template_status: 'draft',
      event_trigger: null,
      stop_event: null,
      trigger_conditions: {},
      executions_count: 0,
      actions_count: 3,
      stats: expect.any(Object),
      last_published_at: null,
    });
    // The template round-trips exactly: layout, order and unknown-to-us attributes included.
    expect(wf.template).toEqual(seedTemplate());
    expect(wf.template_draft).toEqual(seedTemplate());
    expect(wf.updated_at_utc).toMatch(UTC_ISO);
    expect(wf.updated_at).toBe(wf.updated_at_utc); // the account's zone is UTC
    expect(wf.updated_at_string).toMatch(READABLE);
    expect(wf.created_at_utc).toMatch(UTC_ISO);

    // Draft edits of trigger and conditions, then publish.
    const edited = await call('PUT', `/v1/workflows/${wf.id}`, {
      event_trigger: 'deal.updated',
      trigger_conditions: { field: 'status', operator: 'equals', value: 'won' },
      stop_event: 'deal.lost',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({
      template_status: 'draft',
      event_trigger_draft: 'deal.updated',
      stop_event_draft: 'deal.lost',
    });
    const published = await call('POST', `/v1/workflows/${wf.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.data).toMatchObject({
      template_status: 'published',
      event_trigger: 'deal.updated',
      stop_event: 'deal.lost',
      trigger_conditions: { field: 'status', operator: 'equals', value: 'won' },
      actions_count: 3,
    });
    expect(published.body.data.last_published_at_utc).toMatch(UTC_ISO);
    expect(published.body.data.last_published_at_string).toMatch(READABLE);
    expect(Object.keys(published.body.data.stats).sort()).toEqual(['a', 'b', 'c', 'start_of_workflow']);

    // Saving the same template again (keys in another order) leaves nothing to publish.
    const reordered = seedTemplate();
    const same = await call('PUT', `/v1/workflows/${wf.id}`, {
      template: {
        height: reordered.height,
        positions: reordered.positions,
        edges: reordered.edges,
        width: reordered.width,
        nodes: reordered.nodes,
      },
    });
    expect(same.body.data.template_status).toBe('published');

    // A later draft edit leaves the published copy in place and marks the workflow as having unpublished edits.
    const renamedNode = seedTemplate();
    (renamedNode.nodes[1] as { name: string }).name = 'Webhook one';
    const draftEdit = await call('PUT', `/v1/workflows/${wf.id}`, { template: renamedNode });
    expect(draftEdit.body.data.template_status).toBe('draft');
    expect(draftEdit.body.data.template).toEqual(seedTemplate());
    expect(draftEdit.body.data.template_draft).toEqual(renamedNode);
    expect(draftEdit.body.data.event_trigger).toBe('deal.updated');

    // Fetch by id, by key, and the expanded trigger.
    const byId = await call('GET', `/v1/workflows/${wf.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.data.id).toBe(wf.id);
    const byKey = await call('GET', '/v1/workflows/my_first_workflow?id_type=key');
    expect(byKey.body.data.id).toBe(wf.id);
    const otherUser = await call('GET', '/v1/workflows/my_first_workflow?id_type=key&user_key=someone');
    expect(otherUser.status).toBe(404);
    const expanded = await call('GET', `/v1/workflows/${wf.id}?expand[]=event_trigger`);
    expect(expanded.body.data.event_trigger).toEqual({
      object: 'event_trigger',
      id: 'deal.updated',
      event: 'deal.updated',
      entity: 'deal',
      description: expect.any(String),
      built_in: true,
    });

    // Clone: a new unique key and name, an unpublished draft of the same template.
    const clone = await call('POST', `/v1/workflows/${wf.id}/clone`);
    expect(clone.status).toBe(201);
    expect(clone.body.data).toMatchObject({
      template_status: 'draft',
      name: 'My First Workflow (copy)',
      executions_count: 0,
      event_trigger: 'deal.updated',
    });
    expect(clone.body.data.key).toMatch(/^my_first_workflow_\d+$/);
    expect(clone.body.data.id).not.toBe(wf.id);
    expect(clone.body.data.template).toEqual(renamedNode);
    const clone2 = await call('POST', `/v1/workflows/${wf.id}/clone`);
    expect(clone2.body.data.name).toBe('My First Workflow (copy 2)');
    expect(clone2.body.data.key).not.toBe(clone.body.data.key);

    // List: newest first, the seed's meta.
    const list = await call('GET', '/v1/workflows?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([
      clone2.body.data.id,
      clone.body.data.id,
    ]);
    expect(list.body.meta).toEqual({ page_limit: 2, has_next_page: true, has_previous_page: false });
    const next = await call('GET', `/v1/workflows?limit=2&starting_after=${clone.body.data.id}`);
    expect(next.body.data.map((w: { id: string }) => w.id)).toEqual([wf.id]);
    expect(next.body.meta).toEqual({ page_limit: 2, has_next_page: false, has_previous_page: true });

    // Delete: gone from fetch and list, and the key and name are free again.
    const del = await call('DELETE', `/v1/workflows/${clone.body.data.id}`);
    expect(del.status).toBe(200);
    expect(del.body.data.id).toBe(clone.body.data.id);
    expect((await call('GET', `/v1/workflows/${clone.body.data.id}`)).status).toBe(404);
    const after = await call('GET', '/v1/workflows');
    expect(after.body.data.map((w: { id: string }) => w.id)).not.toContain(clone.body.data.id);
    const reuse = await call('POST', '/v1/workflows', {
      name: 'My First Workflow (copy)',
      key: clone.body.data.key,
    });
    expect(reuse.status).toBe(201);
  });

  it('publishes at creation with template_status and honours user_key, auto_start and key', async () => {
    const res = await call('POST', '/v1/workflows', {
      name: 'New User',
      key: 'new_user',
      user_key: 'user-1',
      auto_start: false,
      event_trigger: 'contact.created',
      template: seedTemplate(),
      template_status: 'published',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      key: 'new_user',
      user_key: 'user-1',
      auto_start: false,
      template_status: 'published',
      event_trigger: 'contact.created',
    });
    // The same key and name are free for another user.
    const main = await call('POST', '/v1/workflows', { name: 'New User', key: 'new_user' });
    expect(main.status).toBe(201);
    expect((await call('GET', '/v1/workflows/new_user?id_type=key&user_key=user-1')).body.data.id).toBe(
      res.body.data.id,
    );
    const listed = await call('GET', '/v1/workflows?user_key=user-1');
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([res.body.data.id]);
    // A duplicate key for the same user is 409 duplicate_key.
    const dupKey = await call('POST', '/v1/workflows', {
      name: 'Other',
      key: 'new_user',
      user_key: 'user-1',
    });
    expect(dupKey.status).toBe(409);
    expect(dupKey.body.error.code).toBe('duplicate_key');
  });
});

describe('expand[]=event_trigger', () => {
  it('expands the trigger in lists too, and describes wildcards and the account’s own types', async () => {
    const own = await call('POST', '/v1/event-types', {
      type: 'invoice.paid',
      description: 'An invoice was paid',
    });
    expect(own.status).toBe(201);
    await call('POST', '/v1/workflows', {
      name: 'Paid invoices',
      key: 'paid',
      event_trigger: 'invoice.paid',
    });
    await call('POST', '/v1/workflows', { name: 'Any deal', key: 'any_deal', event_trigger: 'deal.*' });
    const list = await call('GET', '/v1/workflows?limit=2&expand[]=event_trigger');
    expect(list.status).toBe(200);
    const [anyDeal, paid] = list.body.data;
    expect(anyDeal.event_trigger).toMatchObject({
      event: 'deal.*',
      entity: 'deal',
      description: 'Any deal event',
    });
    expect(anyDeal.event_trigger_draft).toMatchObject({ event: 'deal.*' });
    expect(paid.event_trigger).toMatchObject({
      object: 'event_trigger',
      event: 'invoice.paid',
      entity: 'invoice',
      description: 'An invoice was paid',
      built_in: false,
    });
    expect(paid.event_trigger.id).not.toBe('invoice.paid');
    // Unexpanded, it is the name.
    const plain = await call('GET', '/v1/workflows/paid?id_type=key');
    expect(plain.body.data.event_trigger).toBe('invoice.paid');
    const alt = await call('GET', '/v1/workflows/paid?id_type=key&expand=event_trigger');
    expect(alt.body.data.event_trigger.event).toBe('invoice.paid');
    // A free name nobody registered or sent yet expands too, as no built-in.
    await call('POST', '/v1/workflows', { name: 'Signups', key: 'signups', event_trigger: 'new_user' });
    const free = await call('GET', '/v1/workflows/signups?id_type=key&expand[]=event_trigger');
    expect(free.body.data.event_trigger).toMatchObject({
      event: 'new_user',
      entity: 'new_user',
      description: null,
      built_in: false,
    });
  });
});

describe('publishing checks the template', () => {
  async function publishProblems(template: unknown) {
    const created = await call('POST', '/v1/workflows', { name: `broken ${Math.random()}`, template });
    expect(created.status).toBe(201);
    const res = await call('POST', `/v1/workflows/${created.body.data.id}/publish`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    const still = await call('GET', `/v1/workflows/${created.body.data.id}`);
    expect(still.body.data.template_status).toBe('draft');
    expect(still.body.data.last_published_at).toBeNull();
    return res.body.error.details as { path: string; message: string; node_ids?: string[] }[];
  }

  // A change to the seed template, the problem it makes and the nodes that problem names.
  it.each<{
    what: string;
    change: (t: ReturnType<typeof seedTemplate>) => void;
    says: RegExp;
    nodeIds: string[];
  }>([
    {
      what: 'a cycle, naming its nodes',
      change: (t) => t.edges.push('b-a'),
      says: /^cycle through/,
      nodeIds: ['a', 'b'],
    },
    {
      what: 'two Start nodes, naming both',
      change: (t) => {
        t.nodes.push({ id: 'second_start', name: 'Another start', type: 'Start' });
        t.edges.push('second_start-c');
      },
      says: /exactly one Start/,
      nodeIds: ['second_start', 'start_of_workflow'],
    },
  ])('refuses $what', async ({ change, says, nodeIds }) => {
    const t = seedTemplate();
    change(t);
    const problems = await publishProblems(t);
    const problem = problems.find((p) => says.test(p.message));
    expect(problem?.node_ids?.sort()).toEqual(nodeIds);
  });

  it('refuses a dangling edge, naming the edge and its known node', async () => {
    const t = seedTemplate();
    t.edges.push('c-nowhere');
    const problems = await publishProblems(t);
    expect(problems).toContainEqual({
      path: 'template.edges.3',
      message: 'edge "c-nowhere" does not join two known node ids',
      node_ids: ['c'],
    });
  });

  it('refuses bad node settings already when saving, naming the node and field', async () => {
    const t = seedTemplate();
    (t.nodes[1] as { url: string }).url = 'not a url';
    const res = await call('POST', '/v1/workflows', { name: 'bad url', template: t });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toContainEqual({
      path: 'template.nodes.b.url',
      message: expect.stringContaining('absolute'),
      node_ids: ['b'],
    });
    // Nothing was created.
    const list = await call('GET', '/v1/workflows?limit=100');
    expect(list.body.data.map((w: { name: string }) => w.name)).not.toContain('bad url');
  });

  it('saves a draft whose action has no connection yet, and publishes it only once the account has one', async () => {
    const template = {
      nodes: [
        { id: 'start', type: 'Start' },
        { id: 'mail', type: 'SendEmail', to: '{{contact.email}}', subject: 'Welcome', text: 'Hi' },
      ],
      edges: ['start-mail'],
    };
    const draft = await call('POST', '/v1/workflows', { name: 'welcome mail', template });
    expect(draft.status).toBe(201);
    expect(draft.body.data.template_status).toBe('draft');
    const refused = await call('POST', `/v1/workflows/${draft.body.data.id}/publish`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toContainEqual({
      path: 'template.nodes.mail.connection_id',
      message: expect.stringContaining('no smtp connection'),
      node_ids: ['mail'],
    });
    expect((await call('GET', `/v1/workflows/${draft.body.data.id}`)).body.data.template_status).toBe(
      'draft',
    );

    const smtp = await call('POST', '/v1/connections', {
      kind: 'smtp',
      name: 'Mail',
      host: '127.0.0.1',
      port: 2525,
      from: 'crm@acme.test',
    });
    expect(smtp.status).toBe(201);
    const published = await call('POST', `/v1/workflows/${draft.body.data.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.data.template_status).toBe('published');
  });

  it('takes any well-formed trigger and stop event, and refuses malformed ones and trigger conditions', async () => {
    const free = await call('POST', '/v1/workflows', {
      name: 'free names',
      event_trigger: 'new_user',
      stop_event: 'user-churned',
    });
    expect(free.status, JSON.stringify(free.body)).toBe(201);
    expect(free.body.data).toMatchObject({ event_trigger: 'new_user', stop_event: 'user-churned' });
    const res = await call('POST', '/v1/workflows', { name: 'bad trigger', event_trigger: 'deal exploded' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('event_trigger');
    const stop = await call('POST', '/v1/workflows', { name: 'bad stop', stop_event: 'no way' });
    expect(stop.status).toBe(400);
    expect(stop.body.error.details[0].path).toBe('stop_event');
    const cond = await call('POST', '/v1/workflows', {
      name: 'bad conditions',
      trigger_conditions: { field: 'status', operator: 'is_about' },
    });
    expect(cond.status).toBe(400);
    expect(cond.body.error.details[0].path).toBe('trigger_conditions.operator');
  });
});

describe('seed 000 rules', () => {
  const seedBody = seed000Rule;

  it('refuses the rule while the account has no Slack connection to send through, and creates nothing', async () => {
    const res = await call('POST', '/v1/workflows', seedBody());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual([
      {
        path: 'action_config.connection_id',
        message: expect.stringContaining('no slack or incoming_webhook connection for slack'),
        node_ids: ['action'],
      },
    ]);
    const list = await call('GET', '/v1/workflows?limit=100');
    expect(list.body.data.map((w: { name: string }) => w.name)).not.toContain(seedBody().name);

    // A Slack incoming webhook will do as well as a bot; a Teams one will not.
    await createConnection(call, {
      kind: 'incoming_webhook',
      name: 'Teams',
      provider: 'teams',
      url: 'http://127.0.0.1:9/teams',
    });
    expect((await call('POST', '/v1/workflows', seedBody())).status).toBe(400);
    // The account connects Slack (the connection every later test here sends through).
    await createConnection(call, { kind: 'slack', name: 'Slack', bot_token: 'xoxb-1' });
  });

  it('creates a published Start → action workflow from the body as written, showing the flat fields', async () => {
    const res = await call('POST', '/v1/workflows', seedBody());
    expect(res.status).toBe(201);
    const wf = res.body.data;
    // Seed 000's example response: the flat fields as sent, enabled, never triggered.
    expect(wf).toMatchObject({
      ...seedBody(),
      enabled: true,
      last_triggered_at: null,
      template_status: 'published',
      event_trigger: 'deal.*',
      trigger_conditions: { field: 'status', operator: 'changed_to', value: 'won' },
      actions_count: 1,
    });
    expect(wf.created_at_utc).toMatch(UTC_ISO);
    expect(wf.template).toEqual({
      nodes: [
        { id: 'start', name: 'Start', type: 'Start' },
        {
          id: 'action',
          name: 'send_channel_message',
          type: 'SendChannelMessage',
          ...seedBody().action_config,
        },
      ],
      edges: ['start-action'],
    });
    const [row] = await srv.deps.orm.em
      .fork()
      .execute<{ trigger_keys: string[] }[]>('select trigger_keys from workflows where id = ?', [wf.id]);
    expect(row?.trigger_keys).toEqual(['deal.*']);
  });

  it('answers 409 duplicate_name for the same name (any case) and creates nothing', async () => {
    const body = { ...seedBody(), name: 'Won deals to Slack' };
    expect((await call('POST', '/v1/workflows', body)).status).toBe(201);
    const dup = await call('POST', '/v1/workflows', { ...body, name: 'WON deals to slack' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_name');
    const list = await call('GET', '/v1/workflows?limit=100');
    expect(
      list.body.data.filter((w: { name: string }) => w.name.toLowerCase() === 'won deals to slack'),
    ).toHaveLength(1);
  });

  it('answers 400 validation_error for unsupported operators, actions and combinations', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ condition_operator: 'approximately' }, 'condition_operator'],
      [{ action_type: 'send_fax' }, 'action_type'],
      [{ condition_entity: 'spaceship' }, 'condition_entity'],
      [{ condition_operator: 'greater_than', condition_value: 'lots' }, 'condition_value'],
      [{ condition_operator: 'changed', condition_value: 'won' }, 'condition_value'],
      [{ action_config: { channel: 'slack', message: 'hi' } }, 'action_config.recipient'],
      [
        {
          action_type: 'update_field',
          action_config: { field: 'status', value: 'won' },
          condition_operator: 'changed',
        },
        'action_type',
      ],
    ];
    for (const [change, path] of cases) {
      const res = await call('POST', '/v1/workflows', { ...seedBody(), name: `bad ${path}`, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((p: { path: string }) => p.path)).toContain(path);
    }
    // `changed` takes the seed's required empty string.
    const changed = await call('POST', '/v1/workflows', {
      ...seedBody(),
      name: 'stage changes',
      condition_field: 'stage_id',
      condition_operator: 'changed',
      condition_value: '',
    });
    expect(changed.status).toBe(201);
    expect(changed.body.data.trigger_conditions).toEqual({ field: 'stage_id', operator: 'changed' });
  });

  it('becomes a plain workflow when its template is edited directly, and keeps its published rule until published', async () => {
    const created = await call('POST', '/v1/workflows', { ...seedBody(), name: 'Rule turned template' });
    const id = created.body.data.id;
    const res = await call('PUT', `/v1/workflows/${id}`, {
      template: seedTemplate(),
      event_trigger: 'deal.won',
    });
    expect(res.status).toBe(200);
    expect(res.body.data.condition_entity).toBeUndefined();
    expect(res.body.data.action_type).toBeUndefined();
    expect(res.body.data).toMatchObject({
      template_status: 'draft',
      event_trigger: 'deal.*',
      event_trigger_draft: 'deal.won',
    });
    const published = await call('POST', `/v1/workflows/${id}/publish`);
    expect(published.body.data).toMatchObject({
      template_status: 'published',
      event_trigger: 'deal.won',
      actions_count: 3,
    });
    const [row] = await srv.deps.orm.em
      .fork()
      .execute<{ trigger_keys: string[] }[]>('select trigger_keys from workflows where id = ?', [id]);
    expect(row?.trigger_keys).toEqual(['deal.won']);
  });

  it('needs workflows:write to create and workflows:read to read', async () => {
    const readOnly = await keyWithScopes(call, ['workflows:read']);
    const res = await call('POST', '/v1/workflows', { ...seedBody(), name: 'nope' }, { key: readOnly });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_permissions');
    expect((await call('GET', '/v1/workflows', undefined, { key: readOnly })).status).toBe(200);
    const webhooksOnly = await keyWithScopes(call, ['webhooks:read']);
    expect((await call('GET', '/v1/workflows', undefined, { key: webhooksOnly })).status).toBe(403);
  });
});

describe('tenant isolation', () => {
  it('another account cannot see, change or clone a workflow', async () => {
    const mine = await createSeedWorkflow({ name: 'Private', key: 'private' });
    const { apiKey } = await createAccount(srv.deps.orm.em.fork(), { name: 'Intruder' });
    const opts = { key: apiKey };
    const id = mine.body.data.id;
    expect((await call('GET', `/v1/workflows/${id}`, undefined, opts)).status).toBe(404);
    expect((await call('GET', '/v1/workflows/private?id_type=key', undefined, opts)).status).toBe(404);
    expect((await call('PUT', `/v1/workflows/${id}`, { name: 'Mine now' }, opts)).status).toBe(404);
    expect((await call('POST', `/v1/workflows/${id}/clone`, undefined, opts)).status).toBe(404);
    expect((await call('POST', `/v1/workflows/${id}/publish`, undefined, opts)).status).toBe(404);
    expect((await call('DELETE', `/v1/workflows/${id}`, undefined, opts)).status).toBe(404);
    const list = await call('GET', '/v1/workflows', undefined, opts);
    expect(list.body.data).toEqual([]);
    // The same name is free in the other account, and ours is untouched.
    expect((await call('POST', '/v1/workflows', { name: 'Private' }, opts)).status).toBe(201);
    expect((await call('GET', `/v1/workflows/${id}`)).body.data.name).toBe('Private');
  });
});

describe('concurrent and repeated creation', () => {
  it('creates one workflow when the same name is sent concurrently; the others get 409 duplicate_name', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createSeedWorkflow({ name: 'Race', key: `race_${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('duplicate_name');
    const list = await call('GET', '/v1/workflows?limit=100');
    expect(list.body.data.filter((w: { name: string }) => w.name === 'Race')).toHaveLength(1);
  });

  it('replays the stored response for a repeated Idempotency-Key (seed 000) instead of answering 409', async () => {
    const body = { name: 'Idempotent rule', template: seedTemplate() };
    const headers = { 'idempotency-key': 'wf-create-1' };
    const first = await call('POST', '/v1/workflows', body, { headers });
    const again = await call('POST', '/v1/workflows', body, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('accepts bodyless POSTs as the seed sends them (clone and publish with no parameters)', async () => {
    const created = await createSeedWorkflow({ name: 'Bodyless' });
    const res = await fetch(`${srv.url}/v1/workflows/${created.body.data.id}/clone`, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.apiKey}` },
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: { name: string } }).data.name).toBe('Bodyless (copy)');
  });
});

describe('timestamps', () => {
  it("shows *_at in the account's zone, *_at_utc in UTC and *_at_string readable in the zone", async () => {
    const { apiKey } = await createAccount(srv.deps.orm.em.fork(), {
      name: 'Pacific',
      timeZone: 'America/Los_Angeles',
    });
    const res = await call(
      'POST',
      '/v1/workflows',
      { name: 'Zoned', template_status: 'published', template: seedTemplate() },
      { key: apiKey },
    );
    expect(res.status).toBe(201);
    const wf = res.body.data;
    for (const name of ['created', 'updated', 'last_published']) {
      const utc = new Date(wf[`${name}_at_utc`]);
      expect(wf[`${name}_at_utc`]).toMatch(UTC_ISO);
      expect(wf[`${name}_at`]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/);
      // The same instant, written in the zone.
      expect(new Date(wf[`${name}_at`]).getTime()).toBe(utc.getTime());
      expect(wf[`${name}_at_string`]).toMatch(/^[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} [ap]m P[DS]T$/);
    }
    expect(wf.last_triggered_at).toBeNull();
    expect(wf.last_triggered_at_utc).toBeNull();
    expect(wf.last_triggered_at_string).toBeNull();
  });
});

describe('stats and counts', () => {
  it('counts each node’s steps by state from the workflow’s executions', async () => {
    const created = await createSeedWorkflow({ name: 'Counted', template_status: 'published' });
    const id = created.body.data.id;
    const before = await call('GET', `/v1/workflows/${id}`);
    expect(before.body.data.stats.a).toEqual({
      pending: 0,
      scheduled: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
    });
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const run = await call('POST', `/v1/workflows/${id}/execute`, {});
      expect(run.status).toBe(202);
      runs.push(run.body.data.execution_id as string);
    }
    // The expected counts, from each execution's own steps.
    const expected: Record<string, Record<string, number>> = {};
    for (const execId of runs) {
      const exec = await call('GET', `/v1/executions/${execId}`);
      for (const step of exec.body.data.steps as { node_id: string; status: string }[]) {
        expected[step.node_id] ??= {};
        const byState = expected[step.node_id] as Record<string, number>;
        byState[step.status] = (byState[step.status] ?? 0) + 1;
      }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const after = await call('GET', `/v1/workflows/${id}`);
    expect(after.body.data.executions_count).toBe(2);
    for (const [node, states] of Object.entries(expected)) {
      expect(after.body.data.stats[node]).toMatchObject(states);
    }
    // Lists carry the same stats.
    const listed = await call('GET', '/v1/workflows?limit=1');
    expect(listed.body.data[0].id).toBe(id);
    expect(listed.body.data[0].stats).toEqual(after.body.data.stats);
  });
});
