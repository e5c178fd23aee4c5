import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { apiCaller } from '../webhooks/testHelpers.ts';

// Every operation of the live /openapi.json, sent generated and hostile requests by fast-check against the real
// server and Postgres: nothing may answer 5xx, every error is the envelope (details included), and every status is
// one the document lists for that operation.

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
};
interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter> };
}

let srv: TestServer;
let doc: Doc;
const ids: string[] = [];
beforeAll(async () => {
  // Nothing leaves this host: the API calls nothing out itself, and no worker runs here to send the test pings or
  // connection tests a generated request asks for (they answer 503 after a short wait).
  srv = await startTestServer({
    OUTBOUND_ALLOWLIST: '',
    OUTBOUND_ALLOW_HTTP: 'false',
    RATE_LIMIT_POINTS: '1000000',
    SERVER_WORKER_WAIT_SECONDS: '0.2',
  });
  doc = (await (await fetch(`${srv.url}/openapi.json`)).json()) as Doc;
  // A few real objects, so generated paths sometimes name something that exists.
  const call = apiCaller(srv);
  const wf = await call('POST', '/v1/workflows', { name: 'fuzzed', event_trigger: 'deal.won' });
  const ev = await call('POST', '/v1/events', { type: 'deal.won', data: { id: 'd1' } });
  const key = await call('POST', '/v1/api-keys', { name: 'fuzzed', scopes: ['users:read'] });
  ids.push(wf.body.data.id, ev.body.data.id, key.body.data.id, 'main', 'fuzzed');
}, 60_000);
afterAll(() => srv?.close());

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '%',
  '%00',
  '{{data.x}}',
  'https://localhost/h',
  'https://user:pw@localhost/h',
  'http://127.0.0.1:1/x',
  'x'.repeat(5_000),
  'ARCHIVED__x',
  '\u202e\u200b',
  '💥',
];
const hostileString = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...HOSTILE_STRINGS));

function resolveRef<T>(ref: string): T {
  const [, , kind, name] = ref.split('/');
  return (doc.components as unknown as Record<string, Record<string, T>>)[kind as string]?.[
    name as string
  ] as T;
}

/** Plausible strings: ids that exist, names the domain uses, plain words. */
const plainString = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
  fc.constantFrom('deal.won', 'deal.updated', 'main', 'Start', 'https://127.0.0.1/h', 'a@example.com', 'UTC'),
);

/**
 * Values for a JSON Schema: of its shape, with hostile values mixed in unless `clean` (clean requests reach the
 * work behind validation, hostile ones the refusals).
 */
function valuesOf(schema: Schema | undefined, depth = 0, clean = false): fc.Arbitrary<unknown> {
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return valuesOf(resolveRef<Schema>(schema.$ref), depth + 1, clean);
  const wild = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]));
  if (depth > 4) return clean ? fc.constant(null) : wild;
  const shaped = shapedValue(schema, depth, clean);
  return clean ? shaped : fc.oneof({ arbitrary: shaped, weight: 6 }, { arbitrary: wild, weight: 1 });
}

function shapedValue(schema: Schema, depth: number, clean: boolean): fc.Arbitrary<unknown> {
  const inner = (s: Schema | undefined) => valuesOf(s, depth + 1, clean);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map(inner));
  if (schema.allOf?.[0]) return inner(schema.allOf[0]);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.uuid(), fc.constantFrom(...ids));
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (clean) return fc.oneof(plainString, fc.constantFrom(...ids));
      return fc.oneof(hostileString, fc.constantFrom(...ids), plainString);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 1_000, 1_000_000) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(inner(schema.items), { maxLength: 3 });
    case 'object': {
      const props = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, inner(s)]));
      const known = fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      if (Object.keys(props).length > 0) return known;
      return fc.dictionary(clean ? plainString : hostileString, fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A body as text: JSON of the schema's shape, or something no schema allows. */
function bodyOf(schema: Schema | undefined): fc.Arbitrary<{ text: string; type: string } | undefined> {
  const json = valuesOf(schema).map((v) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' }));
  const deep = fc.integer({ min: 65, max: 20_000 }).map((n) => ({
    text: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
    type: 'application/json',
  }));
  const hostileKey = fc.constantFrom('\\u0000', '\\ud800', 'a\\u0000').map((k) => ({
    text: `{"${k}":1,"name":"x","data":{"${k}":"v"}}`,
    type: 'application/json',
  }));
  const notObject = fc.constantFrom(
    '[]',
    '[null,null]',
    '"hello"',
    '42',
    'null',
    'true',
    '{',
    '{"a":}',
    '\u0000',
  );
  const form = valuesOf(schema).map((v) => ({
    text: new URLSearchParams(
      Object.entries(v && typeof v === 'object' ? v : { v }).map(([k, x]) => [k, JSON.stringify(x) ?? '']),
    ).toString(),
    type: 'application/x-www-form-urlencoded',
  }));
  const rawForm = fc.constantFrom(
    'a[b][c]=1&a[b][]=2',
    `${'x'.repeat(1)}${'[y]'.repeat(80)}=1`,
    'a=%00',
    '%=%',
  );
  return fc.oneof(
    { arbitrary: json, weight: 8 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: hostileKey, weight: 1 },
    { arbitrary: notObject.map((text) => ({ text, type: 'application/json' })), weight: 2 },
    { arbitrary: form, weight: 2 },
    { arbitrary: rawForm.map((text) => ({ text, type: 'application/x-www-form-urlencoded' })), weight: 1 },
    {
      arbitrary: fc.constantFrom('text/csv', 'application/xml').map((type) => ({ text: 'a,b', type })),
      weight: 1,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const pathValue = fc.oneof(
  fc.constantFrom(...['main', 'fuzzed', 'a:b', 'a@b.c']).map(encodeURIComponent),
  // Never empty, `.` or `..`: those make another URL (no route, or the parent's), not a value for this one.
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((v) => v !== '.' && v !== '..')
    .map(encodeURIComponent),
  fc.uuid(),
  fc.constantFrom('%', '%00', '%E0%A4%A', '%ED%A0%80', '%2F', 'x'.repeat(300)),
);
const headerSets = fc.oneof(
  { arbitrary: fc.constant({}), weight: 8 },
  { arbitrary: fc.constant({ authorization: 'Bearer sy_nope' }), weight: 1 },
  { arbitrary: fc.constant({ authorization: '' }), weight: 1 },
  { arbitrary: fc.constant({ 'x-big': 'a'.repeat(20_000) }), weight: 1 },
  {
    arbitrary: hostileString.map((k) => ({ 'idempotency-key': k.replace(/[^\x20-\x7e]/g, '') || 'k' })),
    weight: 2,
  },
  { arbitrary: fc.constant({ 'idempotency-key': 'k'.repeat(300) }), weight: 1 },
  { arbitrary: fc.constant({ 'x-request-id': 'not valid!' }), weight: 1 },
);

/** A clean request: the schema's shapes, plausible values, a JSON body, the right key. */
function cleanRequestOf(path: string, op: Operation) {
  const params = (op.parameters ?? []).map((p) => (p.$ref ? resolveRef<Parameter>(p.$ref) : p));
  const pathParams = params.filter((p) => p.in === 'path');
  const body = op.requestBody?.content['application/json']?.schema;
  return fc.record({
    path: fc.tuple(...pathParams.map(() => fc.constantFrom(...ids))).map((values) => {
      let out = path;
      for (const [i, p] of pathParams.entries())
        out = out.replace(`{${p.name}}`, encodeURIComponent(values[i] as string));
      return out;
    }),
    query: fc.constant(''),
    body: body
      ? valuesOf(body, 0, true).map((v) => ({ text: JSON.stringify(v) ?? '{}', type: 'application/json' }))
      : fc.constant(undefined),
    headers: fc.constant({} as Record<string, string>),
  });
}

function requestOf(path: string, op: Operation) {
  const params = (op.parameters ?? []).map((p) => (p.$ref ? resolveRef<Parameter>(p.$ref) : p));
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const querySchema: Schema = {
    type: 'object',
    properties: Object.fromEntries(query.map((q) => [q.name, q.schema ?? {}])),
  };
  return fc.record({
    path: fc.tuple(...pathParams.map(() => pathValue)).map((values) => {
      let out = path;
      for (const [i, p] of pathParams.entries()) out = out.replace(`{${p.name}}`, values[i] as string);
      return out;
    }),
    query: valuesOf(querySchema).map((q) => {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(q && typeof q === 'object' ? q : {})) {
        for (const item of Array.isArray(v) ? v : [v])
          search.append(k, typeof item === 'string' ? item : JSON.stringify(item));
      }
      return search.toString();
    }),
    body: bodyOf(op.requestBody?.content['application/json']?.schema),
    headers: headerSets,
  });
}

interface Failure {
  request: string;
  status: number;
  why: string;
}

type Generated = {
  path: string;
  query: string;
  body: { text: string; type: string } | undefined;
  headers: Record<string, string>;
};

/** Sends one generated request and says what is wrong with the answer (null: nothing). */
async function check(
  method: string,
  path: string,
  op: Operation,
  req: Generated,
  seen: Map<number, number>,
): Promise<Failure | null> {
  const url = `${srv.url}${req.path}${req.query ? `?${req.query}` : ''}`;
  const headers: Record<string, string> = { authorization: `Bearer ${srv.apiKey}`, ...req.headers };
  if (req.body) headers['content-type'] = req.body.type;
  const sendsBody = req.body && method !== 'get' && method !== 'delete';
  const what = `${method.toUpperCase()} ${url.slice(srv.url.length, 300)} ${sendsBody ? req.body?.text.slice(0, 200) : ''}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      body: sendsBody ? req.body?.text : undefined,
    });
  } catch (err) {
    // Requests fetch itself will not send (a header it refuses) test nothing of ours.
    if (err instanceof TypeError && !(err as { cause?: unknown }).cause) return null;
    return { request: what, status: 0, why: `no answer: ${(err as Error).message}` };
  }
  const text = await res.text();
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
  const fail = (why: string) => ({ request: what, status: res.status, why: `${why}: ${text.slice(0, 300)}` });
  // The one 5xx that is the right answer here: a call that needs a worker (a test ping, a connection test) while
  // none runs is 503 `unavailable` with Retry-After, in the error envelope checked below.
  const awaitsWorker = res.status === 503 && /\/test$/.test(path) && res.headers.get('retry-after') !== null;
  if (res.status >= 500 && !awaitsWorker) return fail('5xx');
  if (!(String(res.status) in op.responses))
    return fail(`status ${res.status} is not documented for ${method} ${path}`);
  if (res.status < 400) return null;
  let body: { error?: Record<string, unknown> };
  try {
    body = JSON.parse(text);
  } catch {
    return fail('error body is not JSON');
  }
  const e = body.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') return fail('no code/message');
  if (!Array.isArray(e.details)) return fail('no details list');
  if (typeof e.request_id !== 'string' || e.request_id !== res.headers.get('x-request-id'))
    return fail('request_id');
  return null;
}

describe('generated and hostile requests against every route', () => {
  it('never answer 5xx, always answer errors in the envelope, with a documented status', async () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([method, op]) => ({ p, method, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(47);
    const failures: Failure[] = [];
    const seen = new Map<number, number>();
    for (const { p, method, op } of ops) {
      const result = await fc.check(
        fc.asyncProperty(fc.oneof(requestOf(p, op), cleanRequestOf(p, op)), async (req) => {
          const failure = await check(method, p, op, req, seen);
          if (failure) failures.push(failure);
          return failure === null;
        }),
        // Each operation's first failure is enough to report; shrinking it would cost more than it tells.
        { numRuns: 40, endOnFailure: true },
      );
      // Enough to replay it: fc.assert(property, { seed, path }).
      if (result.failed) failures.push({ request: `${method} ${p}`, status: 0, why: `seed ${result.seed}` });
    }
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    const ok = [...seen].filter(([s]) => s < 400).reduce((a, [, n]) => a + n, 0);
    console.info(`fuzz: ${total} requests, statuses ${JSON.stringify(Object.fromEntries(seen))}`);
    // The generator reaches real work, not only refusals.
    expect(ok).toBeGreaterThan(total / 20);
    expect(failures.slice(0, 10)).toEqual([]);
  }, 120_000);
});
