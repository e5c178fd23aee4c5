import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../test/rejection.ts';
import { type ClientOptions, createClient, SwitchyardError } from './index.ts';
import { parseRetryAfter } from './request.ts';

/**
 * A real HTTP proxy in front of the real server that misbehaves as told, one step per request: answer with a status,
 * cut the connection, hang, or pass the request on but lose the answer (the case idempotency keys exist for).
 */
type Step =
  | 'forward'
  | 'drop'
  | 'hang'
  | 'forward-then-502'
  | { status: number; headers?: Record<string, string>; body?: string };

interface Seen {
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  trace?: string;
}

let srv: TestServer;
let proxy: http.Server;
let proxyUrl: string;
let plan: Step[] = [];
let seen: Seen[] = [];

async function forward(req: http.IncomingMessage, body: Buffer) {
  const res = await fetch(`${srv.url}${req.url}`, {
    method: req.method,
    headers: Object.fromEntries(
      Object.entries(req.headers)
        .filter(([k]) => !['host', 'connection', 'content-length'].includes(k))
        .map(([k, v]) => [k, String(v)]),
    ),
    body: req.method === 'GET' ? undefined : new Uint8Array(body),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  srv = await startTestServer();
  proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const step = plan.shift() ?? 'forward';
    const key = req.headers['idempotency-key'];
    const trace = req.headers['x-trace'];
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      idempotencyKey: typeof key === 'string' ? key : undefined,
      ...(typeof trace === 'string' ? { trace } : {}),
    });
    if (step === 'drop') return req.socket.destroy();
    if (step === 'hang') return;
    if (step === 'forward' || step === 'forward-then-502') {
      const out = await forward(req, Buffer.concat(chunks));
      if (step === 'forward-then-502') return res.writeHead(502).end('Bad gateway');
      delete out.headers['content-length'];
      delete out.headers['content-encoding'];
      return res.writeHead(out.status, out.headers).end(out.body);
    }
    res.writeHead(step.status, step.headers).end(step.body ?? 'upstream trouble');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await srv?.close();
});
beforeEach(() => {
  plan = [];
  seen = [];
});

function client(opts: Partial<ClientOptions> = {}) {
  return createClient({ baseUrl: proxyUrl, apiKey: srv.apiKey, baseDelayMs: 5, maxDelayMs: 20, ...opts });
}

describe('retries', () => {
  it('retries a 5xx and sends the same Idempotency-Key on every attempt of a mutation', async () => {
    plan = [{ status: 503 }, { status: 500 }, 'forward'];
    const user = await client().users.upsert({ key: 'retried', name: 'R' });
    expect(user.key).toBe('retried');
    expect(seen).toHaveLength(3);
    const keys = new Set(seen.map((s) => s.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^auto-[0-9a-f-]{36}$/);
    expect(seen.every((s) => s.method === 'POST' && s.url.startsWith('/trpc/users.upsert'))).toBe(true);
  });

  it('a lost answer is retried and the server replays it: the mutation runs once', async () => {
    plan = ['forward-then-502', 'forward'];
    const created = await client().apiKeys.create({ name: 'created-once', scopes: ['users:read'] });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.idempotencyKey).toBe(seen[1]?.idempotencyKey);
    const keys = await createClient({ baseUrl: srv.url, apiKey: srv.apiKey }).apiKeys.list({ limit: 100 });
    const named = keys.data.filter((k) => k.name === 'created-once');
    expect(named.map((k) => k.id)).toEqual([created.id]);
  });

  it('gives each call its own key, and sends a caller-chosen key as is', async () => {
    const c = client();
    await c.users.upsert({ key: 'k1' });
    await c.users.upsert({ key: 'k1' });
    await c.users.upsert({ key: 'k2' }, { idempotencyKey: 'life-import-k2' });
    expect(seen[0]?.idempotencyKey).not.toBe(seen[1]?.idempotencyKey);
    expect(seen[2]?.idempotencyKey).toBe('life-import-k2');
  });

  it('sends no Idempotency-Key on a query (GET)', async () => {
    await client().users.list({ limit: 1 });
    expect(seen).toEqual([
      { method: 'GET', url: expect.stringMatching(/^\/trpc\/users\.list\?/), idempotencyKey: undefined },
    ]);
  });

  it('waits as Retry-After says on a 429', async () => {
    plan = [{ status: 429, headers: { 'retry-after': '1' } }, 'forward'];
    const started = Date.now();
    await client().users.get({ key: 'retried' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs', async () => {
    plan = [{ status: 429, headers: { 'retry-after': '3600' } }];
    const err = await client()
      .users.get({ key: 'retried' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect((err as SwitchyardError).status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    plan = ['drop', 'forward'];
    expect((await client().users.get({ key: 'retried' })).key).toBe('retried');
    expect(seen).toHaveLength(2);
  });

  it('retries an attempt that times out, and reports timeout when every attempt does', async () => {
    plan = ['hang', 'forward'];
    expect((await client({ timeoutMs: 300 }).users.get({ key: 'retried' })).key).toBe('retried');
    plan = ['hang', 'hang'];
    const err = await client({ timeoutMs: 200, maxRetries: 1 })
      .users.get({ key: 'retried' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', status: null });
  });

  it('never retries a 4xx', async () => {
    const err = await client()
      .users.get({ key: 'nobody' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not_found', status: 404 });
    expect(seen).toHaveLength(1);
  });

  it('gives up after maxRetries and keeps the last status', async () => {
    plan = [{ status: 503 }, { status: 503 }, { status: 503 }];
    const err = await client({ maxRetries: 2 })
      .users.get({ key: 'retried' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    expect(seen).toHaveLength(3);
  });
});

describe('hooks and headers', () => {
  it('runs ky hooks: beforeRequest once per call, beforeRetry before each retry', async () => {
    plan = [{ status: 503 }, { status: 502 }, 'forward'];
    const retries: number[] = [];
    const user = await client({
      hooks: {
        beforeRequest: [({ request }) => request.headers.set('x-trace', 'abc')],
        beforeRetry: [({ retryCount }) => void retries.push(retryCount)],
      },
    }).users.get({ key: 'retried' });
    expect(user.key).toBe('retried');
    expect(retries).toEqual([1, 2]);
    expect(seen.map((s) => s.trace)).toEqual(['abc', 'abc', 'abc']);
  });

  it("a SwitchyardError carries the answer's headers, a proxy's too; none without an answer", async () => {
    const notFound = await rejection(client().users.get({ key: 'nobody' }));
    expect(notFound.headers?.get('x-request-id')).toBe(notFound.requestId);
    expect(notFound.headers?.get('content-type')).toMatch(/json/);

    plan = [{ status: 502, headers: { 'x-proxy': 'edge-1' } }];
    const proxied = await rejection(client({ maxRetries: 0 }).users.get({ key: 'retried' }));
    expect(proxied).toMatchObject({ code: 'internal_error', status: 502 });
    expect(proxied.headers?.get('x-proxy')).toBe('edge-1');

    const dead = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x', maxRetries: 0 });
    const unreachable = await rejection(dead.users.get({ key: 'a' }));
    expect(unreachable).toMatchObject({ code: 'network_error', status: null, headers: null });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("the server's own rate limit", () => {
  it('a 429 from Switchyard is waited out (Retry-After) and the call succeeds', async () => {
    const limited = await startTestServer({ RATE_LIMIT_POINTS: '2', RATE_LIMIT_WINDOW_SECONDS: '1' });
    try {
      let statuses: number[] = [];
      const c = createClient({
        baseUrl: limited.url,
        apiKey: limited.apiKey,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          statuses.push(res.status);
          return res;
        },
      });
      await c.users.get({ key: 'main' });
      await c.users.get({ key: 'main' });
      statuses = [];
      expect((await c.users.get({ key: 'main' })).key).toBe('main');
      expect(statuses[0]).toBe(429);
      expect(statuses.at(-1)).toBe(200);

      const impatient = createClient({ baseUrl: limited.url, apiKey: limited.apiKey, maxRetries: 0 });
      // However far into its window the limiter is, three more calls cross the limit of two.
      let err: unknown;
      for (let i = 0; i < 3 && !err; i++)
        err = await impatient.users.get({ key: 'main' }).then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toMatchObject({ code: 'rate_limited', status: 429 });
      expect((err as SwitchyardError).details).toEqual([
        expect.objectContaining({ retry_after_seconds: expect.any(Number) }),
      ]);
      // The rate-limit headers come with the error, so a caller can wait on its own.
      const headers = (err as SwitchyardError).headers;
      expect(headers?.get('retry-after')).toMatch(/^\d+$/);
      expect(headers?.get('x-ratelimit-limit')).toBe('2');
    } finally {
      await limited.close();
    }
  });
});
