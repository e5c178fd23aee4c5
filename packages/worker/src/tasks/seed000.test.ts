import { seed000Rule } from '@switchyard/core/testing';
import { jsonReply, waitUntil } from '@switchyard/server/testing';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, pipelineForFile, smtpConnection } from '../testSupport.ts';

// Seed 000 end to end: workflows created with the seed's flat rule body (condition_* + action_type + action_config),
// events posted through the API, a real worker running the actions against servers started here.
const SETTINGS = { WORKFLOW_STEP_MAX_ATTEMPTS: '3', WORKFLOW_STEP_BACKOFF: '200ms' };

const { rx, sink, call, replies, connect, slackPosts } = pipelineForFile(SETTINGS, {
  smtp: 'sink',
  otherwise: () => ({ status: 404 }),
});

beforeAll(async () => {
  // The account's connections: a Slack bot (its API here), a Teams incoming webhook, SMTP and the host endpoint.
  await connect({
    kind: 'slack',
    name: 'Slack',
    bot_token: 'xoxb-seed-000',
    api_base_url: `${rx.url}/slack`,
  });
  await connect({ kind: 'incoming_webhook', name: 'Teams', provider: 'teams', url: `${rx.url}/teams-hook` });
  await connect(smtpConnection(sink));
  hostSecret = (await connect({ kind: 'host_endpoint', name: 'CRM', url: `${rx.url}/host` }))
    .signing_secret as string;
});

let hostSecret = '';

/** A seed 000 rule, created with the seed's flat body; its id. */
async function rule(body: Record<string, unknown>) {
  const res = await call('POST', '/v1/workflows', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

const emit = async (type: string, data: Record<string, unknown>, previous?: Record<string, unknown>) => {
  const res = await call('POST', '/v1/events', { type, data, ...(previous ? { previous } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};

const executionsOf = async (workflowId: string) =>
  (await call('GET', `/v1/executions?workflow_id=${workflowId}&limit=100`)).body.data as {
    id: string;
    status: string;
  }[];

/** Waits until the workflow has `n` executions, all finished; returns them with their steps. */
async function finished(workflowId: string, n: number) {
  const list = await waitUntil(async () => {
    const all = await executionsOf(workflowId);
    return all.length === n && all.every((e) => !['running', 'waiting'].includes(e.status)) ? all : undefined;
  });
  return Promise.all(list.map(async (e) => (await call('GET', `/v1/executions/${e.id}`)).body.data));
}

const actionStep = (execution: { steps: { type: string }[] }) =>
  execution.steps.find((s) => s.type !== 'Start') as Record<string, unknown>;

/** Lets the worker pick up anything a wrongly matching event would have started. */
const settle = () => new Promise((r) => setTimeout(r, 600));

describe('seed 000: "Ping owner on won deals", sent as written', () => {
  const example = seed000Rule();

  it('posts "Deal Acme closed at 5000 USD" once, when the status changes to won, with the bot token', async () => {
    const posted = slackPosts({ channel: 'C0SALES', ts: '1763860000.000200' });
    const id = await rule(example);

    // Created in negotiation, then won: one message. Staying won (a value edit) and another entity's `won` do not
    // match `changed_to`.
    await emit('deal.created', {
      id: 'acme',
      name: 'Acme',
      value: 5000,
      currency: 'USD',
      status: 'negotiation',
    });
    await emit('deal.updated', { id: 'acme', name: 'Acme', value: 5000, currency: 'USD', status: 'won' });
    const [won] = await finished(id, 1);
    expect(won.status).toBe('completed');
    expect(actionStep(won)).toMatchObject({
      status: 'succeeded',
      output: { via: 'slack', channel: 'C0SALES', ts: '1763860000.000200' },
    });
    await emit('deal.updated', { id: 'acme', name: 'Acme', value: 5200, currency: 'USD', status: 'won' });
    await emit('contact.updated', { id: 'c1', name: 'Ada', status: 'won' }, { status: 'lead' });
    await settle();

    expect(posted).toEqual([
      {
        auth: 'Bearer xoxb-seed-000',
        body: { channel: '#sales-wins', text: 'Deal Acme closed at 5000 USD' },
      },
    ]);
    expect(await executionsOf(id)).toHaveLength(1);
    const wf = (await call('GET', `/v1/workflows/${id}`)).body.data;
    expect(wf).toMatchObject({ ...example, enabled: true, executions_count: 1 });
    expect(wf.last_triggered_at).not.toBeNull();
  });

  it('uses the `previous` a host sends with the event', async () => {
    const posted: unknown[] = [];
    replies.set('/slack/chat.postMessage', () => {
      posted.push(JSON.parse(rx.requests.at(-1)?.body ?? 'null'));
      return jsonReply({ ok: true, channel: 'C0SALES', ts: '1' });
    });
    const id = await rule({ ...example, name: 'Won deals, host-sent previous' });
    // No snapshot of this deal yet: the host says what it was.
    await emit(
      'deal.updated',
      { id: 'globex', name: 'Globex', value: 1200, currency: 'EUR', status: 'won' },
      { status: 'lost' },
    );
    await finished(id, 1);
    expect(posted).toContainEqual({ channel: '#sales-wins', text: 'Deal Globex closed at 1200 EUR' });
  });
});

describe('seed 000: the circuit breaker (max_triggers_per_day)', () => {
  it('runs the first N matches of the day, then disables the workflow and raises workflow.disabled', async () => {
    const texts: string[] = [];
    replies.set('/teams-hook', () => {
      texts.push(JSON.parse(rx.requests.at(-1)?.body ?? '{}').text);
      return { status: 200, body: '1' };
    });
    const id = await rule({
      name: 'Big deals to Teams',
      condition_entity: 'deal',
      condition_field: 'value',
      condition_operator: 'greater_than',
      condition_value: 10000,
      action_type: 'send_channel_message',
      action_config: { channel: 'teams', recipient: 'Sales', message: 'Big deal: {{deal.name}}' },
      max_triggers_per_day: 2,
    });
    await emit('deal.created', { id: 'small', name: 'Small', value: 900 });
    for (const name of ['One', 'Two', 'Three']) await emit('deal.created', { id: name, name, value: 20000 });
    const runs = await finished(id, 2);
    expect(runs.map((e) => e.status)).toEqual(['completed', 'completed']);
    await settle();
    expect(texts.sort()).toEqual(['Big deal: One', 'Big deal: Two']);

    const wf = (await call('GET', `/v1/workflows/${id}`)).body.data;
    expect(wf.enabled).toBe(false);
    expect(wf.disabled_reason).toContain('max_triggers_per_day');
    const alerts = (await call('GET', '/v1/events?type=workflow.disabled')).body.data;
    expect(alerts).toEqual([
      expect.objectContaining({
        type: 'workflow.disabled',
        data: expect.objectContaining({ id, max_triggers_per_day: 2 }),
      }),
    ]);
  });
});

describe('seed 000: every action_type through the rule form', () => {
  it('send_email: a contact becoming a customer gets the e-mail with tokens filled and html escaped', async () => {
    const id = await rule({
      name: 'Welcome customers',
      condition_entity: 'contact',
      condition_field: 'lifecycle',
      condition_operator: 'changed_to',
      condition_value: 'customer',
      action_type: 'send_email',
      action_config: {
        to: '{{contact.email}}',
        subject: 'Welcome aboard, {{contact.first_name | default: "friend"}}',
        text: 'Thanks for choosing us, {{contact.company}}.',
        html: '<p>Thanks, <b>{{contact.company}}</b></p>',
      },
    });
    await emit('contact.created', {
      id: 'grace',
      email: 'grace@example.test',
      company: 'A&B <Co>',
      lifecycle: 'lead',
    });
    await emit('contact.updated', {
      id: 'grace',
      email: 'grace@example.test',
      company: 'A&B <Co>',
      lifecycle: 'customer',
    });
    const [run] = await finished(id, 1);
    expect(run.status).toBe('completed');
    const mail = await waitUntil(() => sink.mails.find((m) => m.to.includes('grace@example.test')));
    const raw = decodeQuotedPrintable(mail.raw);
    expect(raw).toContain('Subject: Welcome aboard, friend');
    expect(raw).toContain('Thanks for choosing us, A&B <Co>.');
    expect(raw).toContain('<p>Thanks, <b>A&amp;B &lt;Co&gt;</b></p>');
    expect(raw).toContain('From: CRM <crm@acme.test>');
  });

  it('create_task and update_field: signed requests to the host endpoint, its answers are the outputs', async () => {
    const seen: { type: string; data: { action: unknown } }[] = [];
    replies.set('/host', () => {
      const req = rx.requests.at(-1);
      const msg = new StandardWebhook(hostSecret).verify(
        req?.body ?? '',
        req?.headers ?? {},
      ) as (typeof seen)[0];
      seen.push(msg);
      return msg.type === 'create_task' ? jsonReply({ task_id: 'T-1' }, 201) : jsonReply({ updated: true });
    });
    const task = await rule({
      name: 'Follow up on tagged VIPs',
      condition_entity: 'contact',
      condition_field: 'tags',
      condition_operator: 'contains',
      condition_value: 'vip',
      action_type: 'create_task',
      action_config: { title: 'Call {{contact.name}}', due_in_days: 1 },
    });
    const field = await rule({
      name: 'Lost deals go cold',
      condition_entity: 'deal',
      condition_field: 'status',
      condition_operator: 'equals',
      condition_value: 'lost',
      action_type: 'update_field',
      action_config: { field: 'temperature', value: 'cold', entity: 'deal', entity_id: '{{deal.id}}' },
    });
    await emit('contact.updated', { id: 'linus', name: 'Linus', tags: ['vip', 'kernel'] });
    await emit('deal.updated', { id: 'initech', name: 'Initech', status: 'lost' });
    const [[t], [f]] = await Promise.all([finished(task, 1), finished(field, 1)]);
    expect(actionStep(t)).toMatchObject({
      status: 'succeeded',
      output: { status: 201, body: { task_id: 'T-1' } },
    });
    expect(actionStep(f)).toMatchObject({
      status: 'succeeded',
      output: { status: 200, body: { updated: true } },
    });
    expect(seen.map((m) => [m.type, m.data.action]).sort()).toEqual([
      ['create_task', { title: 'Call Linus', due_in_days: 1 }],
      ['update_field', { field: 'temperature', value: 'cold', entity: 'deal', entity_id: 'initech' }],
    ]);
  });

  it('webhook: the rule posts to the URL with the entity merged', async () => {
    replies.set('/rule-hook', () => ({ status: 204 }));
    const id = await rule({
      name: 'Done tasks to the ERP',
      condition_entity: 'task',
      condition_field: 'status',
      condition_operator: 'not_equals',
      condition_value: 'open',
      action_type: 'webhook',
      action_config: { url: `${rx.url}/rule-hook`, method: 'POST', body: '{"task":"{{task.title}}"}' },
    });
    await emit('task.updated', { id: 'k1', title: 'Open one', status: 'open' });
    await emit('task.updated', { id: 'k2', title: 'Ship it', status: 'done' });
    const [run] = await finished(id, 1);
    expect(run.status).toBe('completed');
    await settle();
    expect(rx.requests.filter((r) => r.path === '/rule-hook').map((r) => r.body)).toEqual([
      '{"task":"Ship it"}',
    ]);
  });
});
