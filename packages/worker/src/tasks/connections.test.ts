import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAccount } from '@switchyard/server';
import {
  apiCaller,
  createConnection,
  keyWithScopes,
  type Receiver,
  startReceiver,
  type TestServer,
} from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerAndWorker, startServerAndWorker } from '../testSupport.ts';

// The connections API over real HTTP, with a worker beside the API to run the connection tests: a real SMTP server
// that wants a login, a receiver that speaks Slack's `auth.test` and answers as a host endpoint.
let pipeline: ServerAndWorker;
let srv: TestServer;
let rx: Receiver;
let smtp: SMTPServer;
let smtpPort = 0;
let call: ReturnType<typeof apiCaller>;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth: (auth, _s, done) =>
      auth.password === 'smtp-secret' ? done(null, { user: auth.username }) : done(new Error('Bad login')),
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  smtpPort = (smtp.server.address() as AddressInfo).port;
  [pipeline, rx] = await Promise.all([
    startServerAndWorker({ OUTBOUND_ALLOWLIST: '127.0.0.1,localhost,::1' }),
    startReceiver(),
  ]);
  srv = pipeline.srv;
  rx.reply = (req) => {
    if (req.path === '/slack/auth.test') {
      const ok = req.headers.authorization === 'Bearer xoxb-good';
      const body = ok ? { ok: true, user: 'switchyard', team: 'Acme' } : { ok: false, error: 'invalid_auth' };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    }
    if (req.path === '/host')
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"pong":true}' };
    return { status: 404 };
  };
  call = apiCaller(srv);
});
afterAll(async () => {
  await Promise.all([pipeline?.close(), rx?.close(), new Promise<void>((r) => smtp.close(() => r()))]);
});

const smtpBody = (name: string, password = 'smtp-secret') => ({
  kind: 'smtp',
  name,
  host: '127.0.0.1',
  port: smtpPort,
  username: 'crm',
  password,
  from: 'Acme CRM <crm@acme.test>',
});

describe('connections', () => {
  it('stores credentials encrypted and never returns them', async () => {
    const created = await call('POST', '/v1/connections', smtpBody('Mail'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({
      object: 'connection',
      kind: 'smtp',
      name: 'Mail',
      settings: { host: '127.0.0.1', port: smtpPort, username: 'crm', from: 'Acme CRM <crm@acme.test>' },
      credentials: ['password'],
    });
    const id = created.body.data.id;
    for (const res of [
      created,
      await call('GET', `/v1/connections/${id}`),
      await call('GET', '/v1/connections'),
    ]) {
      expect(JSON.stringify(res.body)).not.toContain('smtp-secret');
    }
    const [row] = await srv.deps.orm.em
      .fork()
      .execute<{ credentials_sealed: string; settings: unknown }[]>(
        'select credentials_sealed, settings from connections where id = ?',
        [id],
      );
    expect(row?.credentials_sealed).not.toContain('smtp-secret');
    expect(JSON.stringify(row?.settings)).not.toContain('smtp-secret');
  });

  it('checks a connection: an SMTP login that works and one that does not', async () => {
    const good = (await call('POST', '/v1/connections', smtpBody('SMTP good'))).body.data.id;
    const bad = (await call('POST', '/v1/connections', smtpBody('SMTP bad', 'wrong'))).body.data.id;
    const ok = await call('POST', `/v1/connections/${good}/test`);
    expect(ok.body.data).toMatchObject({ ok: true, error: null });
    const failed = await call('POST', `/v1/connections/${bad}/test`);
    expect(failed.body.data.ok).toBe(false);
    expect(failed.body.data.error).toMatch(/Bad login|Invalid login|535/i);
    expect((await call('GET', `/v1/connections/${bad}`)).body.data).toMatchObject({
      last_test_error: failed.body.data.error,
      last_tested_at_utc: expect.any(String),
    });

    // A new password replaces the stored one and the check passes; the other settings stay.
    const patched = await call('PATCH', `/v1/connections/${bad}`, { password: 'smtp-secret' });
    expect(patched.body.data.settings.host).toBe('127.0.0.1');
    expect((await call('POST', `/v1/connections/${bad}/test`)).body.data.ok).toBe(true);
  });

  it('checks a Slack bot token with auth.test', async () => {
    const mk = (name: string, bot_token: string) =>
      call('POST', '/v1/connections', { kind: 'slack', name, bot_token, api_base_url: `${rx.url}/slack` });
    const good = (await mk('Slack', 'xoxb-good')).body.data;
    expect(good).toMatchObject({ settings: { api_base_url: `${rx.url}/slack` }, credentials: ['bot_token'] });
    expect((await call('POST', `/v1/connections/${good.id}/test`)).body.data).toMatchObject({
      ok: true,
      detail: 'authenticated as switchyard in Acme',
    });
    const bad = (await mk('Slack revoked', 'xoxb-revoked')).body.data;
    expect((await call('POST', `/v1/connections/${bad.id}/test`)).body.data).toMatchObject({
      ok: false,
      error: 'Slack auth.test: invalid_auth',
    });
  });

  it('gives a host endpoint a signing secret once; its ping verifies with standardwebhooks', async () => {
    const created = await createConnection(call, {
      kind: 'host_endpoint',
      name: 'CRM',
      url: `${rx.url}/host`,
    });
    const secret = created.signing_secret as string;
    expect(secret).toMatch(/^whsec_/);
    const id = created.id;
    expect((await call('GET', `/v1/connections/${id}`)).body.data.signing_secret).toBeUndefined();

    const before = rx.requests.length;
    expect((await call('POST', `/v1/connections/${id}/test`)).body.data).toMatchObject({ ok: true });
    const ping = rx.requests.slice(before).find((r) => r.path === '/host');
    expect(ping).toBeDefined();
    const verified = new StandardWebhook(secret).verify(ping?.body ?? '', ping?.headers ?? {}) as {
      type: string;
      data: { connection_id: string };
    };
    expect(verified).toMatchObject({ type: 'ping', data: { connection_id: id } });
  });

  it('refuses bad input with a stable code and creates nothing', async () => {
    const count = async () => (await call('GET', '/v1/connections?limit=100')).body.data.length;
    const before = await count();
    // Creating `body` is refused with `status`: the error.
    const refused = async (body: Record<string, unknown>, status = 400) => {
      const res = await call('POST', '/v1/connections', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body.error;
    };
    const missing = await refused({ kind: 'smtp', name: 'No host' });
    expect(missing.code).toBe('missing_required_field');
    expect(missing.details.map((d: { path: string }) => d.path)).toEqual(['host', 'from']);

    const foreign = await refused({ kind: 'slack', name: 'Mixed', bot_token: 'x', host: 'a' });
    expect(foreign.details).toEqual([{ path: 'host', message: 'not a setting of a slack connection' }]);

    const privateUrl = await refused({
      kind: 'incoming_webhook',
      name: 'Metadata',
      provider: 'discord',
      url: 'http://169.254.169.254/latest',
    });
    expect(privateUrl.code).toBe('invalid_url');

    const dup = await refused(smtpBody('mail'), 409);
    expect(dup.code).toBe('duplicate_name');
    expect(await count()).toBe(before);
  });

  it('needs the admin scope and keeps accounts apart', async () => {
    const id = (await call('POST', '/v1/connections', smtpBody('Scoped'))).body.data.id;
    const reader = await keyWithScopes(call, ['workflows:read', 'workflows:write']);
    expect((await call('GET', '/v1/connections', undefined, { key: reader })).status).toBe(403);

    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Other' });
    const theirs = await call('GET', `/v1/connections/${id}`, undefined, { key: other.apiKey });
    expect(theirs.status).toBe(404);
    expect((await call('GET', '/v1/connections', undefined, { key: other.apiKey })).body.data).toEqual([]);
    expect((await call('DELETE', `/v1/connections/${id}`, undefined, { key: other.apiKey })).status).toBe(
      404,
    );

    expect((await call('DELETE', `/v1/connections/${id}`)).status).toBe(200);
    expect((await call('GET', `/v1/connections/${id}`)).status).toBe(404);
  });
});

describe('deleting a connection a published workflow needs', () => {
  it('is refused with 409 conflict naming the workflow, until another connection can serve it', async () => {
    const { apiKey } = await createAccount(srv.deps.orm.em.fork(), { name: 'In use' });
    const as = (method: string, path: string, body?: unknown) => call(method, path, body, { key: apiKey });
    const first = (await as('POST', '/v1/connections', smtpBody('Mail'))).body.data.id;
    const mail = { id: 'mail', type: 'SendEmail', to: 'a@acme.test', subject: 'Hi', text: 'Hello' };
    const wf = await as('POST', '/v1/workflows', {
      name: 'Welcome',
      template_status: 'published',
      template: { nodes: [{ id: 'start', type: 'Start' }, mail], edges: ['start-mail'] },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);

    // The account's only SMTP connection, which the node relies on by default.
    const refused = await as('DELETE', `/v1/connections/${first}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.details).toEqual([
      {
        path: `workflows.${wf.body.data.id}.template.nodes.mail.connection_id`,
        message: expect.stringContaining('Welcome: the account has no smtp connection'),
      },
    ]);
    expect((await as('GET', `/v1/connections/${first}`)).status).toBe(200);

    // With a second one the default still resolves, so the first may go; the second, now named by the node, may not.
    const second = (await as('POST', '/v1/connections', smtpBody('Mail 2'))).body.data.id;
    expect((await as('DELETE', `/v1/connections/${first}`)).status).toBe(200);
    const pinned = await as('PUT', `/v1/workflows/${wf.body.data.id}`, {
      template_status: 'published',
      template: {
        nodes: [
          { id: 'start', type: 'Start' },
          { ...mail, connection_id: second },
        ],
        edges: ['start-mail'],
      },
    });
    expect(pinned.status, JSON.stringify(pinned.body)).toBe(200);
    await as('POST', '/v1/connections', smtpBody('Mail 3'));
    const named = await as('DELETE', `/v1/connections/${second}`);
    expect(named.status).toBe(409);
    expect(named.body.error.details[0].message).toContain(`no smtp connection with id ${second}`);

    // A deleted workflow needs nothing.
    await as('DELETE', `/v1/workflows/${wf.body.data.id}`);
    expect((await as('DELETE', `/v1/connections/${second}`)).status).toBe(200);
  });
});
