import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundClient, OutboundError } from './client.ts';

// A real HTTP server on 127.0.0.1 stands in for the outside world; each path behaves differently.
const seen: { path: string; method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers, body });
    if (req.url === '/redirect') return void res.writeHead(302, { location: `${base}/target` }).end();
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(50_000));
    if (req.url === '/slow') return; // never answers
    res.writeHead(201, { 'x-answer': 'yes' }).end(`got ${body}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const open = (allowlist: string[], extra: Partial<ConstructorParameters<typeof OutboundClient>[0]> = {}) =>
  new OutboundClient({ allowHttp: true, allowlist, defaultTimeoutMs: 2_000, ...extra });

async function failure(p: Promise<unknown>): Promise<OutboundError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

describe('with 127.0.0.1 allowlisted', () => {
  const client = open(['127.0.0.1']);
  afterAll(() => client.close());

  it('sends the request and answers any status with headers and body', async () => {
    const res = await client.send({
      method: 'POST',
      url: `${base}/hook`,
      headers: { 'content-type': 'text/plain', 'x-custom': '1' },
      body: 'hello',
    });
    expect(res).toMatchObject({ status: 201, body: 'got hello', truncated: false });
    expect(res.headers['x-answer']).toBe('yes');
    expect(res.durationMs).toBeGreaterThan(0);
    const last = seen.at(-1);
    expect(last).toMatchObject({ path: '/hook', method: 'POST', body: 'hello' });
    expect(last?.headers['x-custom']).toBe('1');
    expect(last?.headers['user-agent']).toMatch(/^Switchyard\//);
    // Whole, with its length, and nothing a browser would add.
    expect(last?.headers['content-length']).toBe('5');
    expect(last?.headers['transfer-encoding']).toBeUndefined();
    for (const h of ['sec-fetch-mode', 'accept-language', 'accept-encoding', 'origin']) {
      expect(last?.headers[h], h).toBeUndefined();
    }
  });

  it('never echoes the credentials of a URL it refuses', async () => {
    for (const url of ['https://bob:hunter2@127.0.0.1/x', 'https://bob:hunter2@exa mple.com/x']) {
      const err = await failure(client.send({ method: 'GET', url }));
      expect(err.code).toBe('invalid_url');
      expect(err.message).not.toContain('hunter2');
    }
  });

  it('returns a redirect as it is and never follows it', async () => {
    const before = seen.length;
    const res = await client.send({ method: 'GET', url: `${base}/redirect` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${base}/target`);
    expect(seen.slice(before).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('keeps the first 20 KB of a large body and says it cut it', async () => {
    const res = await client.send({ method: 'GET', url: `${base}/big` });
    expect(res.body).toHaveLength(20 * 1024);
    expect(res.truncated).toBe(true);
  });

  it('times out with a retriable timeout error', async () => {
    const err = await failure(client.send({ method: 'GET', url: `${base}/slow`, timeoutMs: 300 }));
    expect(err).toMatchObject({ code: 'timeout', retriable: true });
    expect(err.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('reports a refused connection as a retriable connection error', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(client.send({ method: 'GET', url: `http://127.0.0.1:${closedPort}/` }));
    expect(err).toMatchObject({ code: 'connection_error', retriable: true });
  });

  it('stops when the caller aborts', async () => {
    const ac = new AbortController();
    const pending = client.send({ method: 'GET', url: `${base}/slow`, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await failure(pending)).toMatchObject({ code: 'aborted' });
  });
});

describe('with the allowlist empty (production)', () => {
  const client = open([]);
  afterAll(() => client.close());

  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
  ])('refuses %s before connecting', async (url) => {
    const before = seen.length;
    expect(await failure(client.checkUrl(url))).toMatchObject({ code: 'blocked_address', retriable: false });
    expect(await failure(client.send({ method: 'GET', url }))).toMatchObject({ code: 'blocked_address' });
    expect(seen.length).toBe(before);
  });

  it('refuses a host name that resolves to a private address, at check and at connect time', async () => {
    const before = seen.length;
    const url = `http://localhost:${port}/hook`;
    expect((await failure(client.checkUrl(url))).message).toMatch(
      /loopback address \(localhost resolves to it\)/,
    );
    expect(await failure(client.send({ method: 'GET', url }))).toMatchObject({ code: 'blocked_address' });
    expect(seen.length).toBe(before);
  });

  it('lets a public address through the guard', async () => {
    await expect(client.checkUrl('https://93.184.216.34/hook')).resolves.toBeUndefined();
    await expect(client.checkUrl('https://[2606:4700::1111]/hook')).resolves.toBeUndefined();
  });

  it.each(['not a url', 'ftp://example.com/', 'file:///etc/passwd', 'https://user:pw@example.com/'])(
    'refuses %s: a malformed URL, another scheme or credentials',
    async (url) => {
      expect(await failure(client.checkUrl(url))).toMatchObject({ code: 'invalid_url' });
    },
  );
});

describe('name resolution', () => {
  it('checks every address a name resolves to: one private address is enough to refuse', async () => {
    const client = open([], {
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const before = seen.length;
    const err = await failure(client.send({ method: 'GET', url: `http://rebind.test:${port}/hook` }));
    expect(err).toMatchObject({ code: 'blocked_address', retriable: false });
    expect(seen.length).toBe(before);
    await client.close();
  });

  it('connects to the address it checked (the lookup is the connect)', async () => {
    // The name resolves to the allowlisted 127.0.0.1 only through our resolver: the request lands on our server.
    const client = open(['127.0.0.1'], { resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const res = await client.send({ method: 'POST', url: `http://hooks.test:${port}/named`, body: 'x' });
    expect(res.status).toBe(201);
    expect(seen.at(-1)?.headers.host).toBe(`hooks.test:${port}`);
    await client.close();
  });

  it('reports a name that does not resolve as a retriable dns_error', async () => {
    const client = open([], {
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect(await failure(client.send({ method: 'GET', url: 'https://nowhere.test/' }))).toMatchObject({
      code: 'dns_error',
      retriable: true,
    });
    await client.close();
  });

  it('lets an allowlisted host name through by name', async () => {
    const client = open(['localhost']);
    const res = await client.send({ method: 'GET', url: `http://localhost:${port}/by-name` });
    expect(res.status).toBe(201);
    await client.close();
  });

  it('is HTTPS only unless plain HTTP is allowed', async () => {
    const client = open(['127.0.0.1'], { allowHttp: false });
    expect(await failure(client.send({ method: 'GET', url: `${base}/hook` }))).toMatchObject({
      code: 'invalid_url',
    });
    await client.close();
  });
});
