import { seed000Rule } from '@switchyard/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActionDefinition } from '../actions/definitions.ts';
import { serverForFile } from '../testing/index.ts';

// Definitions of providers a host registers (the API's half: schema and checks): one replacing the built-in e-mail node's checks, one of the host's own node type.
const strictEmail: ActionDefinition<{ to: string; subject: string }> = {
  type: 'SendEmail',
  ruleActionType: 'send_email',
  configSchema: z.looseObject({ to: z.email('to must be an e-mail address'), subject: z.string() }),
  async validate(config) {
    return config.subject.includes('FREE MONEY')
      ? [{ path: 'subject', message: 'this subject would be marked as spam' }]
      : [];
  },
};

const crmNote: ActionDefinition<{ endpoint: string }> = {
  type: 'PostToCrm',
  ruleActionType: 'post_to_crm',
  configSchema: z.looseObject({ endpoint: z.string().min(1, 'endpoint is required') }),
};

const srv = serverForFile({}, { actions: [strictEmail, crmNote] as ActionDefinition[] });
const call = srv.call;

const start = { id: 'start', type: 'Start' };

describe('node settings checked by registered providers', () => {
  it("refuses a config the provider's schema rejects, naming the node and field", async () => {
    const res = await call('POST', '/v1/workflows', {
      name: 'bad email',
      template: {
        nodes: [start, { id: 'mail', type: 'SendEmail', to: 'nobody', subject: 'Hi', text: 'Hello' }],
        edges: ['start-mail'],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toContainEqual({
      path: 'template.nodes.mail.to',
      message: 'to must be an e-mail address',
      node_ids: ['mail'],
    });
  });

  it("refuses what the provider's own validate finds, also at publish time after a draft edit", async () => {
    const ok = await call('POST', '/v1/workflows', {
      name: 'newsletter',
      template: {
        nodes: [
          start,
          { id: 'mail', type: 'SendEmail', to: 'a@example.com', subject: 'News', text: 'Hello' },
        ],
        edges: ['start-mail'],
      },
      template_status: 'published',
    });
    expect(ok.status).toBe(201);
    const spam = await call('PUT', `/v1/workflows/${ok.body.data.id}`, {
      template: {
        nodes: [
          start,
          { id: 'mail', type: 'SendEmail', to: 'a@example.com', subject: 'FREE MONEY', text: 'x' },
        ],
        edges: ['start-mail'],
      },
    });
    expect(spam.status).toBe(400);
    expect(spam.body.error.details).toContainEqual({
      path: 'template.nodes.mail.subject',
      message: 'this subject would be marked as spam',
      node_ids: ['mail'],
    });
    // Nothing changed.
    const got = await call('GET', `/v1/workflows/${ok.body.data.id}`);
    expect(got.body.data.template_draft.nodes[1].subject).toBe('News');
  });

  it("accepts a node type only a host's provider knows, checking its settings with that provider", async () => {
    const template = {
      nodes: [start, { id: 'note', type: 'PostToCrm', endpoint: '/notes', text: 'Won {{deal.name}}' }],
      edges: ['start-note'],
    };
    const res = await call('POST', '/v1/workflows', {
      name: 'crm note',
      event_trigger: 'deal.won',
      template,
      template_status: 'published',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ template_status: 'published', actions_count: 1, template });

    const bad = await call('POST', '/v1/workflows', {
      name: 'crm note 2',
      template: {
        nodes: [start, { id: 'note', type: 'PostToCrm', text: 'Won {{deal.name' }],
        edges: ['start-note'],
      },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((p: { path: string }) => p.path);
    expect(paths).toContain('template.nodes.note.endpoint');
    expect(paths).toContain('template.nodes.note.text'); // the unclosed merge token
  });

  it("lets a seed 000 rule name a provider's action_type, reporting config problems on action_config", async () => {
    // Seed 000's example rule (won deals), its action the provider's.
    const rule = {
      ...seed000Rule(),
      name: 'won deals to the CRM',
      action_type: 'post_to_crm',
      action_config: { endpoint: '/notes' },
    };
    const res = await call('POST', '/v1/workflows', rule);
    expect(res.status).toBe(201);
    expect(res.body.data.template.nodes[1]).toMatchObject({
      id: 'action',
      type: 'PostToCrm',
      endpoint: '/notes',
    });

    const bad = await call('POST', '/v1/workflows', { ...rule, name: 'no endpoint', action_config: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual({
      path: 'action_config.endpoint',
      message: expect.any(String),
      node_ids: ['action'],
    });
  });

  it('rebuilds and republishes a rule when its flat fields change', async () => {
    const rule = {
      name: 'big deals',
      condition_entity: 'deal',
      condition_field: 'value',
      condition_operator: 'greater_than',
      condition_value: 1000,
      action_type: 'send_email',
      action_config: { to: 'boss@example.com', subject: 'Big deal {{deal.name}}', text: '{{deal.value}}' },
    };
    const created = await call('POST', '/v1/workflows', rule);
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const res = await call('PUT', `/v1/workflows/${id}`, { condition_value: 5000 });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      ...rule,
      condition_value: 5000,
      template_status: 'published',
      trigger_conditions: { field: 'value', operator: 'greater_than', value: 5000 },
    });
    // A bad change is refused and leaves the rule as it was.
    const bad = await call('PUT', `/v1/workflows/${id}`, { action_config: { to: 'nobody', subject: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((p: { path: string }) => p.path)).toContain('action_config.to');
    const got = await call('GET', `/v1/workflows/${id}`);
    expect(got.body.data.condition_value).toBe(5000);
    expect(got.body.data.action_config.to).toBe('boss@example.com');
  });
});
