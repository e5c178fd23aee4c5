import { createLogger, type Env, parseEnv } from '@switchyard/server';
import {
  apiCaller,
  type Receiver,
  startReceiver,
  startTestServer,
  type TestServer,
} from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningWorker, startWorker } from '../main.ts';

// An endpoint failing for longer than WEBHOOK_DISABLE_AFTER_DAYS (compressed to about a second) is disabled:
// a `webhook.disabled` event goes to the other subscribers and, with notify_on_failure, an e-mail goes to the
// account's notification address through a real SMTP server.
const DISABLE_AFTER_DAYS = String(1 / 86_400);
const SCHEDULE = `0,${Array.from({ length: 20 }, () => '150ms').join(',')}`;

interface Mail {
  to: string[];
  raw: string;
}

let srv: TestServer;
let rx: Receiver;
let worker: RunningWorker;
let smtp: SMTPServer;
let smtpPort = 0;
const mails: Mail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
  const settings = {
    WEBHOOK_RETRY_SCHEDULE: SCHEDULE,
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_DISABLE_AFTER_DAYS: DISABLE_AFTER_DAYS,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_FROM: 'switchyard@example.com',
  };
  [srv, rx] = await Promise.all([startTestServer(settings), startReceiver()]);
  const env = parseEnv({
    DATABASE_URL: srv.db.url,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...settings,
  }) as Env & { DATABASE_URL: string };
  worker = await startWorker({ env, logger: createLogger('silent', 'test'), pollIntervalMs: 100 });
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([
    srv?.close(),
    rx?.close(),
    new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r())),
  ]);
});

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('disables a webhook failing for longer than the limit, emits webhook.disabled and e-mails the account', async () => {
  const call = apiCaller(srv);
  const settings = await call('PATCH', '/v1/account', { notification_email: 'ops@example.com' });
  expect(settings.status).toBe(200);
  rx.reply = (req) => (req.path === '/failing' ? { status: 500, body: 'still down' } : { status: 200 });
  const watcher = await call('POST', '/v1/webhooks', {
    url: `${rx.url}/watcher`,
    events: ['webhook.disabled'],
  });
  expect(watcher.status).toBe(201);
  const created = await call('POST', '/v1/webhooks', {
    url: `${rx.url}/failing`,
    events: ['deal.*'],
    description: 'Flaky CRM sync',
    notify_on_failure: true,
  });
  const hookId = created.body.data.webhook.id;
  const started = Date.now();
  await call('POST', '/v1/events', { type: 'deal.updated', data: { id: 'd1' } });

  const hook = await until(async () => {
    const h = (await call('GET', `/v1/webhooks/${hookId}`)).body.data;
    return h.status === 'disabled' ? h : undefined;
  });
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(hook.disabled_reason).toMatch(/^Every delivery failed since /);
  expect(hook.failing_since_at_utc).toEqual(expect.any(String));
  const [delivery] = (await call('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data;
  expect(delivery).toMatchObject({ status: 'failed' });
  expect(delivery.attempts_count).toBeGreaterThan(3);

  const notice = await until(() => rx.requests.find((r) => r.path === '/watcher'));
  expect(JSON.parse(notice.body)).toMatchObject({ type: 'webhook.disabled', data: { id: hookId } });
  const events = await call('GET', '/v1/events?type=webhook.disabled');
  expect(events.body.data).toHaveLength(1);

  const mail = await until(() => mails[0]);
  expect(mail.to).toEqual(['ops@example.com']);
  expect(mail.raw).toContain('Subject: Webhook disabled: Flaky CRM sync');
  // The body is quoted-printable: soft line breaks undone, =XX escapes decoded.
  const body = mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  expect(body).toContain(`Webhook id: ${hookId}`);
  expect(body).toContain(`PATCH /v1/webhooks/${hookId}  {"active": true}`);
  expect(body).toContain(`POST /v1/webhooks/${hookId}/recover`);
});

it('a success resets the failure clock: a flaky endpoint is not disabled', async () => {
  const call = apiCaller(srv);
  let i = 0;
  rx.reply = (req) => (req.path === '/flaky' ? { status: i++ % 2 === 0 ? 500 : 200 } : { status: 200 });
  const created = await call('POST', '/v1/webhooks', { url: `${rx.url}/flaky`, events: ['contact.*'] });
  const hookId = created.body.data.webhook.id;
  for (let k = 0; k < 6; k++) {
    await call('POST', '/v1/events', { type: 'contact.updated', data: { id: `c${k}` } });
    await new Promise((r) => setTimeout(r, 250));
  }
  await until(async () => {
    const list = (await call('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data as Array<{
      status: string;
    }>;
    return list.length === 6 && list.every((d) => d.status === 'succeeded') ? list : undefined;
  });
  expect((await call('GET', `/v1/webhooks/${hookId}`)).body.data.status).toBe('active');
});
