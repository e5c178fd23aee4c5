import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// The SSRF guard at creation, with the allowlist empty and plain HTTP off: what production runs with.
const srv = serverForFile({ OUTBOUND_ALLOWLIST: '', OUTBOUND_ALLOW_HTTP: 'false' });
const call = srv.call;

const PRIVATE = [
  'https://127.0.0.1/hook',
  'https://10.0.0.1/hook',
  'https://172.16.0.1/hook',
  'https://192.168.1.1/hook',
  'https://169.254.169.254/latest/meta-data',
  'https://100.64.0.1/hook',
  'https://[::1]/hook',
  'https://[fd00::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://127.1/hook',
  'https://2130706433/hook',
  'https://0x7f000001/hook',
  // A host name that resolves to a private address.
  'https://localhost/hook',
];

describe('SSRF guard at creation (allowlist empty)', () => {
  it.each(PRIVATE)('refuses %s with invalid_url and creates nothing', async (url) => {
    const res = await call('POST', '/v1/webhooks', { url, events: ['deal.won'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_url');
    expect((await call('GET', '/v1/webhooks')).body.data).toEqual([]);
  });

  it('refuses plain http:// (HTTPS only unless configured)', async () => {
    const res = await call('POST', '/v1/webhooks', { url: 'http://example.com/hook', events: ['deal.won'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_url');
  });

  it('refuses a private URL on update too, leaving the webhook as it was', async () => {
    // A webhook made when its host was public (inserted directly: this server resolves nothing public).
    const id = '01900000-0000-7000-8000-000000000001';
    await srv.deps.orm.em.fork().execute(
      `insert into webhooks (id, account_id, url, events, secret_sealed, created_at, updated_at)
       values (?, ?, 'https://hooks.example.com/in', '["*"]', 'unused', now(), now())`,
      [id, srv.accountId],
    );
    const res = await call('PATCH', `/v1/webhooks/${id}`, { url: 'https://169.254.169.254/' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_url');
    const [row] = await srv.deps.orm.em
      .fork()
      .execute<{ url: string }[]>('select url from webhooks where id = ?', [id]);
    expect(row?.url).toBe('https://hooks.example.com/in');
  });
});
