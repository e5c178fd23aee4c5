import { redactUrl } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller } from './testHelpers.ts';

// One save-time guard for every URL Switchyard will call, the same rules as when it calls: with the allowlist empty
// and HTTPS only (what production runs with), these are refused when saved, wherever they are saved.
let srv: TestServer;
let call: ReturnType<typeof apiCaller>;
beforeAll(async () => {
  srv = await startTestServer({ OUTBOUND_ALLOWLIST: '', OUTBOUND_ALLOW_HTTP: 'false' });
  call = apiCaller(srv);
});
afterAll(() => srv?.close());

let n = 0;
const unique = (what: string) => `${what} ${++n}`;

const REFUSED = [
  'https://localhost/h',
  'https://LOCALHOST/h',
  'https://api.localhost/h',
  'https://user@localhost/h',
  'https://user:hunter2@hooks.example.com/h',
  'https://127.0.0.1/h',
  'http://hooks.example.com/h',
];

/** The whole answer as text, to check nothing echoes credentials. */
const noCredentials = (res: { body: unknown }) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('user@');
  expect(text).not.toContain('user:');
};

describe('save-time URL guard', () => {
  it.each(REFUSED)('refuses %s as a webhook URL', async (url) => {
    const res = await call('POST', '/v1/webhooks', { url, events: ['deal.won'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_url');
    noCredentials(res);
  });

  it.each(REFUSED)('refuses %s in a Webhook node, saved as a draft or published', async (url) => {
    const template = {
      nodes: [
        { id: 'start', type: 'Start' },
        { id: 'hook', type: 'Webhook', url },
      ],
      edges: ['start-hook'],
    };
    const draft = await call('POST', '/v1/workflows', { name: unique('draft'), template });
    expect(draft.status).toBe(400);
    expect(draft.body.error.details.map((d: { path: string }) => d.path)).toContain(
      'template.nodes.hook.url',
    );
    noCredentials(draft);
    // Nor can an existing workflow be given it and published in one go.
    const ok = await call('POST', '/v1/workflows', { name: unique('ok') });
    const edit = await call('PUT', `/v1/workflows/${ok.body.data.id}`, {
      template,
      template_status: 'published',
    });
    expect(edit.status).toBe(400);
    noCredentials(edit);
  });

  it.each(REFUSED)('refuses %s as a seed 000 rule action URL', async (url) => {
    const res = await call('POST', '/v1/workflows', {
      name: unique('rule'),
      condition_entity: 'deal',
      condition_field: 'status',
      condition_operator: 'changed_to',
      condition_value: 'won',
      action_type: 'webhook',
      action_config: { url },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).join(' ')).toContain(
      'action_config.url',
    );
    noCredentials(res);
  });

  it.each(REFUSED)('refuses %s as a connection URL', async (url) => {
    const chat = await call('POST', '/v1/connections', {
      kind: 'incoming_webhook',
      name: unique('chat'),
      provider: 'slack',
      url,
    });
    expect(chat.status).toBe(400);
    expect(chat.body.error.code).toBe('invalid_url');
    noCredentials(chat);
    const host = await call('POST', '/v1/connections', { kind: 'host_endpoint', name: unique('host'), url });
    expect(host.status).toBe(400);
    noCredentials(host);
  });

  it('keeps a URL whose host is a merge token for the run, while checking what it can now', async () => {
    const template = (url: string) => ({
      nodes: [
        { id: 'start', type: 'Start' },
        { id: 'hook', type: 'Webhook', url },
      ],
      edges: ['start-hook'],
    });
    expect(
      (await call('POST', '/v1/workflows', { name: 't1', template: template('{{data.url}}') })).status,
    ).toBe(201);
    expect(
      (await call('POST', '/v1/workflows', { name: 't2', template: template('https://{{data.host}}/in') }))
        .status,
    ).toBe(201);
    const creds = await call('POST', '/v1/workflows', {
      name: 't3',
      template: template('https://u:p@{{data.host}}/'),
    });
    expect(creds.status).toBe(400);
  });
});

describe('redactUrl', () => {
  it('redactUrl hides user and password, parsed or not', () => {
    expect(redactUrl('https://bob:hunter2@example.com/a?b=1')).toBe('https://***@example.com/a?b=1');
    expect(redactUrl('https://example.com/a')).toBe('https://example.com/a');
    expect(redactUrl('not a url //bob:pw@host/x')).toBe('not a url //***@host/x');
  });
});
