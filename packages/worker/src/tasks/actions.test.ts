import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { seed000Rule } from '@switchyard/core/testing';
import { jsonReply, waitUntil } from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, pipelineForFile, smtpConnection } from '../testSupport.ts';

// Every built-in action doing its real job, end to end: the API, a worker, an SMTP server started here, an HTTP
// server that speaks Slack's chat.postMessage, a Discord-style incoming webhook and a host action endpoint.
const SETTINGS = { WORKFLOW_STEP_MAX_ATTEMPTS: '3', WORKFLOW_STEP_BACKOFF: '200ms' };

const { rx, sink, call, replies, connect, runAction, slackPosts } = pipelineForFile(SETTINGS, {
  smtp: 'sink',
  otherwise: () => ({ status: 404 }),
});

/** The workflow's only execution once it has finished, with its action step. */
async function finishedStep(workflowId: string) {
  const ex = await waitUntil(async () => {
    const [e] = (await call('GET', `/v1/executions?workflow_id=${workflowId}`)).body.data;
    return e && !['running', 'waiting'].includes(e.status) ? e : undefined;
  });
  const full = (await call('GET', `/v1/executions/${ex.id}`)).body.data;
  // The action step: the only one that is not the Start node.
  return { execution: full, step: full.steps.find((s: { type: string }) => s.type !== 'Start') };
}

const emit = (type: string, data: Record<string, unknown>, previous?: Record<string, unknown>) =>
  call('POST', '/v1/events', { type, data, ...(previous ? { previous } : {}) });

describe('send_email', () => {
  it('sends through the account SMTP server with tokens filled, defaults, HTML escaping and no double rendering', async () => {
    await connect(smtpConnection(sink));
    const { execution, step } = await runAction(
      'Welcome e-mail',
      'contact.created',
      {
        type: 'SendEmail',
        to: '{{contact.email}}',
        cc: 'team@acme.test',
        subject: 'Welcome {{contact.first_name | default: "there"}}',
        text: 'Hi {{contact.first_name | default: "there"}}, your plan: {{contact.plan}}. Note: {{contact.note}}',
        html: '<p>Hi <b>{{contact.company}}</b></p>',
      },
      {
        id: 'c1',
        email: 'ada@example.test',
        company: 'Tom & Jerry <Ltd>',
        note: 'literally {{contact.email}}',
      },
    );
    expect(execution.status).toBe('completed');
    expect(step.output).toMatchObject({ accepted: ['ada@example.test', 'team@acme.test'] });

    const mail = await waitUntil(() => sink.mails.find((m) => m.to.includes('ada@example.test')));
    expect(mail.to).toEqual(['ada@example.test', 'team@acme.test']);
    const raw = decodeQuotedPrintable(mail.raw);
    expect(raw).toContain('Subject: Welcome there'); // a missing first name takes the default
    // A missing field renders empty; a value that itself holds {{…}} is sent as it is, never rendered again.
    expect(raw).toContain('Hi there, your plan: . Note: literally {{contact.email}}');
    expect(raw).toContain('<p>Hi <b>Tom &amp; Jerry &lt;Ltd&gt;</b></p>');
  });

  it('a refusal for good (550) fails the step at once, with the SMTP code recorded', async () => {
    const picky = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo: (_a, _s, done) => done(Object.assign(new Error('No such user'), { responseCode: 550 })),
    });
    picky.listen(0, '127.0.0.1');
    await once(picky.server, 'listening');
    const conn = await connect({
      kind: 'smtp',
      name: 'Picky mail',
      host: '127.0.0.1',
      port: (picky.server.address() as AddressInfo).port,
      from: 'crm@acme.test',
    });
    const { execution, step } = await runAction(
      'Bounce',
      'contact.updated',
      {
        type: 'SendEmail',
        connection_id: conn.id,
        to: 'nobody@acme.test',
        subject: 'x',
        text: 'y',
      },
      { id: 'c9' },
    );
    await new Promise<void>((r) => picky.close(() => r()));
    expect(execution.status).toBe('failed');
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(JSON.stringify(step.error)).toContain('550');
  });
});

describe('send_channel_message', () => {
  it("seed 000's own example, sent as written: the channel receives the won deal", async () => {
    const seen = slackPosts({ channel: 'C123', ts: '1700000000.000100' });
    await connect({
      kind: 'slack',
      name: 'Slack',
      bot_token: 'xoxb-test-token',
      api_base_url: `${rx.url}/slack`,
    });
    const rule = await call('POST', '/v1/workflows', seed000Rule());
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    // A change that is not to `won` runs nothing; the change to `won` posts the message.
    await emit('deal.updated', {
      id: 'd1',
      name: 'Acme',
      value: 5000,
      currency: 'USD',
      status: 'negotiation',
    });
    await emit('deal.updated', { id: 'd1', name: 'Acme', value: 5000, currency: 'USD', status: 'won' });
    const { execution, step } = await finishedStep(rule.body.data.id);
    expect(execution.status).toBe('completed');
    expect(seen).toEqual([
      {
        auth: 'Bearer xoxb-test-token',
        body: { channel: '#sales-wins', text: 'Deal Acme closed at 5000 USD' },
      },
    ]);
    expect(step.output).toMatchObject({ via: 'slack', channel: 'C123', ts: '1700000000.000100' });
    expect((await call('GET', `/v1/executions?workflow_id=${rule.body.data.id}`)).body.data).toHaveLength(1);
  });

  it('posts to an incoming webhook in the shape of its service (Discord)', async () => {
    replies.set('/discord-hook', () => ({ status: 204 }));
    await connect({
      kind: 'incoming_webhook',
      name: 'Discord',
      provider: 'discord',
      url: `${rx.url}/discord-hook`,
    });
    const { execution } = await runAction(
      'Discord ping',
      'task.created',
      {
        type: 'SendChannelMessage',
        channel: 'discord',
        recipient: 'general',
        message: 'New task: {{task.title}}',
      },
      { id: 't1', title: 'Call Ada' },
    );
    expect(execution.status).toBe('completed');
    const got = rx.requests.filter((r) => r.path === '/discord-hook');
    expect(got.map((r) => JSON.parse(r.body))).toEqual([{ content: 'New task: Call Ada' }]);
  });
});

describe('create_task and update_field (host endpoint)', () => {
  let secret = '';
  beforeAll(async () => {
    const conn = await connect({ kind: 'host_endpoint', name: 'CRM actions', url: `${rx.url}/host-actions` });
    secret = conn.signing_secret as string;
  });

  it('create_task: the host verifies our signature and its answer is the step output', async () => {
    const verified: unknown[] = [];
    replies.set('/host-actions', () => {
      const req = rx.requests.at(-1);
      verified.push(new StandardWebhook(secret).verify(req?.body ?? '', req?.headers ?? {}));
      return jsonReply({ task_id: 'task_42', created: true }, 201);
    });
    const { workflowId, execution, step } = await runAction(
      'Follow up',
      'deal.won',
      {
        type: 'CreateTask',
        title: 'Send contract to {{deal.name}}',
        due_in_days: 2,
        assignee: '{{deal.owner}}',
      },
      { id: 'd7', name: 'Globex', owner: 'grace' },
    );
    expect(execution.status).toBe('completed');
    expect(step.output).toEqual({ status: 201, body: { task_id: 'task_42', created: true } });
    expect(verified).toEqual([
      expect.objectContaining({
        type: 'create_task',
        data: expect.objectContaining({
          action: { title: 'Send contract to Globex', due_in_days: 2, assignee: 'grace' },
          workflow_id: workflowId,
          execution_id: execution.id,
          node_id: 'act',
        }),
      }),
    ]);
  });

  it('update_field: a 500 is retried, then the answer lands; a 400 fails at once with the answer recorded', async () => {
    let calls = 0;
    replies.set('/host-actions', () =>
      calls++ === 0 ? jsonReply({ error: 'busy' }, 500) : jsonReply({ updated: true }),
    );
    const ok = await runAction(
      'Mark customer',
      'contact.updated',
      {
        type: 'UpdateField',
        field: 'lifecycle',
        value: 'customer',
      },
      { id: 'c2' },
    );
    expect(ok.execution.status).toBe('completed');
    expect(ok.step).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      output: { status: 200, body: { updated: true } },
    });
    const deliveries = rx.requests.filter((r) => r.path === '/host-actions');
    // The same message id on the retry: the host can tell it is one action.
    expect(new Set(deliveries.slice(-2).map((r) => r.headers['webhook-id'])).size).toBe(1);

    replies.set('/host-actions', () => jsonReply({ error: 'unknown field lifecycle' }, 400));
    const bad = await runAction(
      'Bad field',
      'deal.updated',
      {
        type: 'UpdateField',
        field: 'lifecycle',
        value: 'x',
      },
      { id: 'd2' },
    );
    expect(bad.execution.status).toBe('failed');
    expect(bad.step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(JSON.stringify(bad.step.error)).toContain('unknown field lifecycle');
  });
});
