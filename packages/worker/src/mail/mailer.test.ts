import { once } from 'node:events';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutboundClient } from '../outbound/client.ts';
import { MailError, Mailer, smtpSettingsFromUrl } from './mailer.ts';

// A real SMTP server on 127.0.0.1 that wants a login, refuses one recipient for good and one for now.
const received: { from: string; to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let port = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, done) {
      if (auth.username === 'sy' && auth.password === 'p@ss word') return done(null, { user: 'sy' });
      done(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, done) {
      if (address.address === 'nobody@example.test')
        return done(Object.assign(new Error('No such user'), { responseCode: 550 }));
      if (address.address === 'busy@example.test')
        return done(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
      done();
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  port = (smtp.server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

const url = (auth = 'sy:p%40ss%20word') => `smtp://${auth}@127.0.0.1:${port}`;

it('reads credentials and the port from SMTP_URL', () => {
  expect(smtpSettingsFromUrl('smtps://a%40b:c@mail.test', 'x@y.test')).toEqual({
    host: 'mail.test',
    port: 465,
    secure: true,
    user: 'a@b',
    password: 'c',
    from: 'x@y.test',
  });
  expect(smtpSettingsFromUrl('smtp://mail.test', 'x@y.test').port).toBe(587);
  expect(() => smtpSettingsFromUrl('http://mail.test', 'x@y.test')).toThrow(/smtp:\/\//);
});

it('logs in and delivers the message to the SMTP server', async () => {
  const mailer = new Mailer(smtpSettingsFromUrl(url(), 'Switchyard <sy@example.test>'));
  await mailer.verify();
  const sent = await mailer.send({
    to: 'ops@example.test',
    cc: ['cc@example.test'],
    subject: 'Hi',
    text: 'Hello',
  });
  mailer.close();
  expect(sent.accepted).toEqual(['ops@example.test', 'cc@example.test']);
  const mail = received.at(-1);
  expect(mail).toMatchObject({ from: 'sy@example.test', to: ['ops@example.test', 'cc@example.test'] });
  expect(mail?.raw).toContain('Subject: Hi');
  expect(mail?.raw).toContain('Hello');
});

it('classifies failures: a 5xx refusal is final, a 4xx or an unreachable server is worth a retry', async () => {
  const mailer = new Mailer(smtpSettingsFromUrl(url(), 'sy@example.test'));
  const fail = (to: string) => mailer.send({ to, subject: 's', text: 't' }).catch((e: unknown) => e);
  expect(await fail('nobody@example.test')).toMatchObject({ retriable: false, responseCode: 550 });
  expect(await fail('busy@example.test')).toMatchObject({ retriable: true, responseCode: 450 });
  mailer.close();

  const badLogin = new Mailer(smtpSettingsFromUrl(url('sy:wrong'), 'sy@example.test'));
  const refused = await badLogin.verify().catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MailError);
  expect(refused).toMatchObject({ retriable: false });
  badLogin.close();

  const closed = net.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const nowhere = new Mailer({ host: '127.0.0.1', port: closedPort, from: 'sy@example.test' });
  expect(await nowhere.send({ to: 'a@example.test', subject: 's', text: 't' }).catch((e) => e)).toMatchObject(
    {
      retriable: true,
      responseCode: null,
    },
  );
  nowhere.close();
});

it('an account mailer connects only to an address the SSRF guard checked', async () => {
  const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
  const allowed = new OutboundClient({
    allowHttp: false,
    allowlist: ['127.0.0.1'],
    defaultTimeoutMs: 1000,
    resolve,
  });
  const address = await allowed.resolveChecked('smtp.acme.test');
  expect(address).toBe('127.0.0.1');
  // The name stays for TLS (servername); the socket goes to the checked address.
  const mailer = new Mailer({
    ...smtpSettingsFromUrl(url(), 'sy@example.test'),
    host: address,
    servername: 'smtp.acme.test',
  });
  await mailer.send({ to: 'pinned@example.test', subject: 'Pinned', text: 'ok' });
  mailer.close();
  expect(received.at(-1)?.to).toEqual(['pinned@example.test']);
  await allowed.close();

  const strict = new OutboundClient({ allowHttp: false, allowlist: [], defaultTimeoutMs: 1000, resolve });
  await expect(strict.resolveChecked('smtp.acme.test')).rejects.toMatchObject({ code: 'blocked_address' });
  await expect(strict.resolveChecked('169.254.169.254')).rejects.toMatchObject({ code: 'blocked_address' });
  await strict.close();
});
