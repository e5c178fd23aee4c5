import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { type RawResult, sendJsonText, serverForFile } from '../testing/index.ts';

// What third-party clients and fuzzers sent that once answered 500 or the wrong thing, each now a clear 400 (or the
// right answer) in the one error envelope.
const srv = serverForFile({ RATE_LIMIT_POINTS: '100000' });

const send = (method: string, path: string, raw?: string, headers?: Record<string, string>) =>
  sendJsonText(srv, method, path, raw, headers);

/** The envelope every error has: code, message, details (a list) and the request id of the X-Request-ID header. */
function expectEnvelope(res: RawResult, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.error, res.text).toMatchObject({
    code,
    message: expect.any(String),
    details: expect.any(Array),
    request_id: expect.any(String),
  });
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message', 'request_id']);
  expect(res.body.error.request_id).toBe(res.headers.get('x-request-id'));
}

/** A body nested `depth` levels down under `key`, as text (built without recursion). */
function deep(depth: number, open = '{"a":', close = '}'): string {
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

const NUL = '"a\\u0000b"';
const SURROGATE = '"\\ud800"';

describe('strings Postgres cannot hold', () => {
  // Route, method and a body with the bad string at a known path (value or key).
  const cases: [string, string, (bad: string) => string, string][] = [
    ['PATCH', '/v1/account', (bad) => `{"name":${bad}}`, 'name'],
    ['PUT', '/v1/users/x', (bad) => `{"name":${bad}}`, 'name'],
    ['POST', '/v1/events', (bad) => `{"type":"deal.won","data":{"title":${bad}}}`, 'data.title'],
    ['POST', '/v1/events', (bad) => `{"type":"deal.won","data":{${bad}:1}}`, 'data.'],
    [
      'POST',
      '/v1/webhooks',
      (bad) => `{"url":"http://127.0.0.1:9/h","events":["deal.won"],"description":${bad}}`,
      'description',
    ],
    [
      'POST',
      '/v1/workflows',
      (bad) => `{"name":"w","template":{"nodes":[{"id":"s","type":"Start","name":${bad}}],"edges":[]}}`,
      'template.nodes.0.name',
    ],
    [
      'POST',
      '/v1/trigger',
      (bad) => `{"event":"deal.won","execution_data":{"k":${bad}}}`,
      'execution_data.k',
    ],
    ['POST', '/v1/executions/stop', (bad) => `{"stop_event":"x","filters":{"k":${bad}}}`, 'filters.k'],
  ];

  it.each(
    cases.flatMap(([m, p, body, path]) => [
      [m, p, 'NUL', body(NUL), path],
      [m, p, 'lone surrogate', body(SURROGATE), path],
    ]),
  )('%s %s with a %s is 400 naming where it is', async (method, path, _what, raw, where) => {
    const res = await send(method, path, raw);
    expectEnvelope(res, 400, 'validation_error');
    expect(res.body.error.details.map((d: { path: string }) => d.path).join(' ')).toContain(where);
  });

  it('refuses them in path parameters and query strings too, and stores nothing', async () => {
    expectEnvelope(await send('PUT', '/v1/users/a%00b', '{}'), 400, 'validation_error');
    expectEnvelope(await send('GET', '/v1/events?type=a%00b'), 400, 'validation_error');
    const users = await send('GET', '/v1/users?limit=100');
    expect(users.body.data.map((u: { key: string }) => u.key)).toEqual(['main']);
  });

  it('refuses them over tRPC as well', async () => {
    const input = encodeURIComponent(`{"key":${NUL}}`);
    const res = await send('GET', `/trpc/users.get?input=${input}`);
    expect(res.status).toBe(400);
    expect(res.body.error.data).toMatchObject({ appCode: 'validation_error', details: [{ path: 'key' }] });
  });
});

describe('nesting', () => {
  it.each([
    ['PATCH', '/v1/account', (d: string) => `{"name":"n","stop_events":${d}}`],
    ['POST', '/v1/events', (d: string) => `{"type":"deal.won","data":${d}}`],
    ['POST', '/v1/webhooks', (d: string) => `{"url":"http://127.0.0.1:9/d","events":["*"],"filters":${d}}`],
    ['POST', '/v1/workflows', (d: string) => `{"name":"deep","trigger_conditions":${d}}`],
    ['POST', '/v1/trigger', (d: string) => `{"event":"deal.won","execution_data":${d}}`],
  ])('%s %s nested 10,000 levels is 400, not a stack overflow', async (method, path, body) => {
    for (const d of [deep(10_000), deep(10_000, '[', ']')]) {
      const res = await send(method, path, body(d));
      expectEnvelope(res, 400, 'validation_error');
      expect(res.body.error.message).toMatch(/nested deeper than 64 levels/);
    }
  });

  it('takes 60 levels (under the limit)', async () => {
    const res = await send('POST', '/v1/events', `{"type":"deal.won","data":${deep(60)}}`);
    expect(res.status, res.text).toBe(202);
  });

  it('limits tRPC inputs the same way', async () => {
    const res = await send('GET', `/trpc/users.get?input=${encodeURIComponent(deep(200))}`);
    expect(res.status).toBe(400);
    expect(res.body.error.data.appCode).toBe('validation_error');
  });
});

describe('bodies that are not objects', () => {
  it.each(['[null,null]', '"hello"', '42', 'null', '[]', 'true'])(
    'PATCH /v1/account and PUT /v1/users/ada with %s are 400 and change nothing',
    async (raw) => {
      expectEnvelope(await send('PATCH', '/v1/account', raw), 400, 'validation_error');
      expectEnvelope(await send('PUT', '/v1/users/ada', raw), 400, 'validation_error');
      expect((await send('GET', '/v1/users/ada')).status).toBe(404);
    },
  );

  it('still takes a POST with no body at all (seed 004 clones and stops that way)', async () => {
    const wf = await send('POST', '/v1/workflows', '{"name":"to clone"}');
    expect(wf.status).toBe(201);
    const res = await fetch(`${srv.url}/v1/workflows/${wf.body.data.id}/clone`, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.apiKey}` },
    });
    expect(res.status).toBe(201);
  });

  it('refuses a content type it does not read', async () => {
    const res = await send('PATCH', '/v1/account', 'name=x', { 'content-type': 'text/csv' });
    expectEnvelope(res, 400, 'validation_error');
    expect(res.body.error.message).toContain('text/csv');
  });
});

describe('query strings', () => {
  it('takes names of Object.prototype (toString, constructor, __proto__) as plain parameters', async () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const res = await send('GET', `/v1/connections?${name}=x&limit=5`);
      expect(res.status, `${name}: ${res.text}`).toBe(200);
    }
  });
});

describe('percent-encoded path parameters', () => {
  it('decodes them once before validation, so keys with : and @ are reachable', async () => {
    const put = await send('PUT', '/v1/users/a%3Ab', '{"name":"colon"}');
    expect(put.status, put.text).toBe(200);
    expect(put.body.data.key).toBe('a:b');
    await send('PUT', `/v1/users/${encodeURIComponent('a@b.c')}`, '{"name":"at"}');
    const got = await send('GET', '/v1/users/a%40b.c');
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ key: 'a@b.c', name: 'at' });
    // Decoded once: %2540 is the text "a%40b.c", another (unknown) key, not the user a@b.c.
    const once = await send('GET', '/v1/users/a%2540b.c');
    expectEnvelope(once, 404, 'not_found');
    expect(once.body.error.message).toContain('a%40b.c');
  });

  it('checks the length of the decoded key, not of its encoding', async () => {
    // 200 characters, 600 once encoded: within the 200 limit.
    const key = `k${':'.repeat(199)}`;
    const put = await send('PUT', `/v1/users/${encodeURIComponent(key)}`, '{}');
    expect(put.status, put.text).toBe(200);
    expect(put.body.data.key).toBe(key);
  });

  it('refuses malformed percent-encoding with 400', async () => {
    const res = await send('GET', '/v1/users/a%E0%A4%A');
    expectEnvelope(res, 400, 'validation_error');
    expect(res.body.error.details[0]).toMatchObject({ path: 'key' });
  });
});

describe('the error envelope', () => {
  it('has details (empty when there are none) on 401, 404 and 409 as on 400', async () => {
    expectEnvelope(
      await send('GET', '/v1/users', undefined, { authorization: 'Bearer nope' }),
      401,
      'invalid_key',
    );
    const missing = await send('GET', '/v1/users/nobody');
    expectEnvelope(missing, 404, 'not_found');
    expect(missing.body.error.details).toEqual([]);
    expectEnvelope(await send('GET', '/v1/nowhere'), 404, 'not_found');
    expectEnvelope(await send('GET', '/nowhere'), 404, 'not_found');
    const key = { 'idempotency-key': 'envelope-409' };
    expect((await send('POST', '/v1/events', '{"type":"deal.won"}', key)).status).toBe(202);
    expectEnvelope(
      await send('POST', '/v1/events', '{"type":"deal.lost"}', key),
      409,
      'idempotency_conflict',
    );
  });

  /** Writes a raw HTTP request and reads the whole answer (the server closes the connection). */
  async function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
    const { port } = new URL(srv.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.end(request);
    let text = '';
    for await (const chunk of socket) text += chunk;
    const [head = '', body = ''] = text.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), headers: head, body };
  }

  it('answers a 20 KB header with 431 in the envelope, not a bare status line', async () => {
    const res = await raw(`GET /v1/users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    const body = JSON.parse(res.body);
    expect(body.error).toMatchObject({
      code: 'headers_too_large',
      details: [],
      request_id: expect.any(String),
    });
    expect(res.headers).toContain(`X-Request-ID: ${body.error.request_id}`);
  });

  it('answers an over-long tRPC GET batch and a malformed request line in the envelope too', async () => {
    const calls = Array.from({ length: 400 }, () => 'users.get').join(',');
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries(calls.split(',').map((_, i) => [i, { key: 'main' }]))),
    );
    const long = await raw(`GET /trpc/${calls}?batch=1&input=${input} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(long.status).toBe(431);
    expect(JSON.parse(long.body).error.code).toBe('headers_too_large');
    const bad = await raw('NOT A REQUEST\r\n\r\n');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'validation_error', details: [] });
  });

  it('refuses a tRPC batch of more than 50 calls', async () => {
    const n = 51;
    const calls = Array.from({ length: n }, () => 'users.get').join(',');
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { key: 'main' }]))),
    );
    const res = await send('GET', `/trpc/${calls}?batch=1&input=${input}`);
    expect(res.status).toBe(400);
    // Over tRPC, errors keep tRPC's shape (its clients read it), with the same code and details as REST.
    expect(res.body.error.data).toMatchObject({ httpStatus: 400, appCode: 'validation_error', details: [] });
    const ok = await send(
      'GET',
      `/trpc/users.get,users.get?batch=1&input=${encodeURIComponent('{"0":{"key":"main"},"1":{"key":"main"}}')}`,
    );
    expect(ok.status).toBe(200);
  });
});

describe('messages', () => {
  it('name the offending value, not the field', async () => {
    const res = await send('POST', '/v1/trigger', '{"event":"webhook.disabled"}');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('"webhook.disabled"');
    expect(res.body.error.details[0].path).toBe('event');
  });
});

describe('JSON booleans and numbers are taken as sent', () => {
  it('does not turn the string "false" into true (or 0 into false)', async () => {
    for (const active of ['"false"', '0', '"x"']) {
      const res = await send(
        'POST',
        '/v1/webhooks',
        `{"url":"http://127.0.0.1:9/b${active.length}","events":["*"],"active":${active}}`,
      );
      expectEnvelope(res, 400, 'validation_error');
      expect(res.body.error.details[0].path).toBe('active');
    }
    const hooks = await send('GET', '/v1/webhooks');
    expect(hooks.body.data.filter((h: { url: string }) => h.url.includes('/b'))).toEqual([]);
  });
});
