import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, startTestServer, type TestServer } from '../testing/index.ts';

/** The conventions every route shares: auth, scopes, request ids, rate limits, idempotency, body limits, docs. */
let srv: TestServer;
let limited: TestServer;
beforeAll(async () => {
  [srv, limited] = await Promise.all([
    startTestServer({ MAX_BODY_BYTES: '2048' }),
    startTestServer({ RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' }),
  ]);
});
afterAll(async () => {
  await Promise.all([srv?.close(), limited?.close()]);
});

interface CallOptions {
  key?: string | null;
  headers?: Record<string, string>;
  server?: TestServer;
  raw?: string;
}

function call(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
  const server = opts.server ?? srv;
  const key = opts.key === undefined ? server.apiKey : opts.key;
  return sendRaw(server.url, method, path, {
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined && opts.raw === undefined ? {} : { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

async function keyWithScopes(scopes: string[]): Promise<string> {
  const res = await call('POST', '/v1/api-keys', { name: `k-${scopes.join('-')}`, scopes });
  expect(res.status).toBe(201);
  return res.body.data.key;
}

describe('authentication and scopes', () => {
  it('refuses a missing or unknown key with 401 invalid_key in the error envelope', async () => {
    for (const key of [null, 'sy_not-a-real-key']) {
      const res = await call('GET', '/v1/users', undefined, { key });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_key' });
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.body.error.request_id).toBe(res.headers.get('x-request-id'));
    }
  });

  it('accepts the key as x-api-key too', async () => {
    const res = await call('GET', '/v1/users', undefined, {
      key: null,
      headers: { 'x-api-key': srv.apiKey },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a key without the scope with 403 insufficient_permissions, and a revoked key with 401', async () => {
    const readOnly = await keyWithScopes(['users:read']);
    expect((await call('GET', '/v1/users', undefined, { key: readOnly })).status).toBe(200);
    const put = await call('PUT', '/v1/users/nope', { name: 'No' }, { key: readOnly });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('insufficient_permissions');
    expect((await call('GET', '/v1/users/nope')).status).toBe(404);

    const list = await call('GET', '/v1/api-keys?limit=100');
    const row = list.body.data.find((k: { prefix: string }) => readOnly.startsWith(k.prefix));
    expect(row).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(readOnly);
    expect((await call('DELETE', `/v1/api-keys/${row.id}`)).body.data.revoked).toBe(true);
    const after = await call('GET', '/v1/users', undefined, { key: readOnly });
    expect(after.status).toBe(401);
  });
});

describe('request ids', () => {
  it('echoes a sent X-Request-ID and generates one otherwise, on successes and errors alike', async () => {
    const echoed = await call('GET', '/v1/users', undefined, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc-123');
    for (const res of [
      await call('GET', '/v1/users'),
      await call('GET', '/v1/users/missing'),
      await call('GET', '/health'),
    ]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
    }
    const notFound = await call('GET', '/v1/users/missing', undefined, {
      headers: { 'x-request-id': 'req-404' },
    });
    expect(notFound.body.error).toMatchObject({ code: 'not_found', request_id: 'req-404' });
  });
});

describe('validation', () => {
  it('turns a bad body into 400 validation_error naming the fields, and changes nothing', async () => {
    const res = await call('POST', '/v1/api-keys', { name: '', scopes: ['not-a-scope'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'scopes.0']));
    const keys = await call('GET', '/v1/api-keys?limit=100');
    expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain('');
  });

  it('refuses malformed JSON and bodies over the size limit with clear errors', async () => {
    const malformed = await call('POST', '/v1/api-keys', undefined, { raw: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('validation_error');
    const big = await call('POST', '/v1/api-keys', { name: 'x'.repeat(4096), scopes: ['admin'] });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });
});

describe('rate limiting', () => {
  it('counts per key in Postgres, sends the X-RateLimit headers and refuses the excess with 429 Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call('GET', '/v1/users', undefined, { server: limited });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('x-ratelimit-limit')).toBe('3');
        expect(last.headers.get('x-ratelimit-remaining')).toBe('2');
        expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.body.error.code).toBe('rate_limited');
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});

describe('idempotency', () => {
  const body = { name: 'idem', scopes: ['users:read'] };

  async function keysNamed(name: string): Promise<number> {
    const list = await call('GET', '/v1/api-keys?limit=100');
    return list.body.data.filter((k: { name: string }) => k.name === name).length;
  }

  it('replays the first response for the same key and body, creating one resource', async () => {
    const headers = { 'idempotency-key': 'idem-1' };
    const first = await call('POST', '/v1/api-keys', { ...body, name: 'idem-1' }, { headers });
    const second = await call('POST', '/v1/api-keys', { ...body, name: 'idem-1' }, { headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await keysNamed('idem-1')).toBe(1);
  });

  it('answers 409 idempotency_conflict for the same key with another body', async () => {
    const headers = { 'idempotency-key': 'idem-2' };
    expect((await call('POST', '/v1/api-keys', { ...body, name: 'idem-2' }, { headers })).status).toBe(201);
    const other = await call('POST', '/v1/api-keys', { ...body, name: 'idem-2-other' }, { headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
    expect(await keysNamed('idem-2-other')).toBe(0);
  });

  it('creates exactly one resource from 20 concurrent duplicates', async () => {
    const headers = { 'idempotency-key': 'life-idem-3' };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('POST', '/v1/api-keys', { ...body, name: 'idem-3' }, { headers }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
    expect(await keysNamed('idem-3')).toBe(1);
  });

  it('does the work again after a failed first try (a failure is not remembered)', async () => {
    const headers = { 'idempotency-key': 'idem-4' };
    const failed = await call('POST', '/v1/api-keys', { name: 'idem-4', scopes: ['bogus'] }, { headers });
    expect(failed.status).toBe(400);
    const ok = await call('POST', '/v1/api-keys', { name: 'idem-4', scopes: ['users:read'] }, { headers });
    expect(ok.status).toBe(201);
  });
});

describe('service endpoints', () => {
  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await call('GET', '/health', undefined, { key: null })).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/ready', undefined, { key: null })).body).toEqual({ status: 'ready' });
    const metrics = await call('GET', '/metrics', undefined, { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_requests_total');
  });

  it('generates an OpenAPI 3.1 document with security and error responses on every operation', async () => {
    const doc = (await call('GET', '/openapi.json', undefined, { key: null })).body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/api-keys',
        'GET /v1/users',
        'PUT /v1/users/{key}',
        'DELETE /v1/api-keys/{id}',
      ]),
    );
    // One route is public by design: the portal trades its link's single-use code for a session token there.
    const open = ops.filter((o) => !o.op.security?.length).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(open).toEqual(['POST /v1/portal/sessions/exchange']);
    for (const { op } of ops) {
      const statuses = op.security?.length ? ['400', '401', '403', '429', '500'] : ['400', '500'];
      for (const status of statuses) expect(op.responses[status]).toBeDefined();
    }
    const create = doc.paths['/v1/api-keys'].post;
    expect(create.responses['201']).toBeDefined();
    const params = create.parameters.map((p: { $ref?: string }) => p.$ref?.split('/').pop());
    expect(doc.components.parameters[params.find(Boolean)].name).toBe('Idempotency-Key');
  });

  it('serves the same procedures over tRPC', async () => {
    const res = await call('GET', '/trpc/users.get?input=%7B%22key%22%3A%22main%22%7D');
    expect(res.status).toBe(200);
    expect(res.body.result.data.data.key).toBe('main');
    const missing = await call('GET', '/trpc/users.get?input=%7B%22key%22%3A%22nobody%22%7D');
    expect(missing.status).toBe(404);
    expect(missing.body.error.data).toMatchObject({ appCode: 'not_found' });
  });
});
