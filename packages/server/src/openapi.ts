import { ErrorCode } from '@switchyard/core';
import type { AnyRouter } from '@trpc/server';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { Meta } from './trpc.ts';

const errorDetailSchema = {
  type: 'object',
  required: ['message'],
  properties: {
    path: {
      type: 'string',
      description: 'Where: a dotted field path (`events.0.type`), a header or `(body)`',
    },
    message: { type: 'string', description: 'What is wrong there' },
  },
  additionalProperties: true,
  description: 'One problem, or a fact about the refusal beside its message (e.g. `retry_after_seconds`)',
} as const;

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'request_id'],
      properties: {
        code: { type: 'string', enum: Object.keys(ErrorCode), description: 'Stable, machine-readable code' },
        message: { type: 'string', description: 'What went wrong, for a person' },
        details: {
          type: 'array',
          items: { $ref: '#/components/schemas/ErrorDetail' },
          description: 'Field-level problems and other structured detail; empty when there is none',
        },
        request_id: { type: 'string', description: 'Also in the X-Request-ID header' },
      },
    },
  },
} as const;

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** Success statuses by REST operation id, taken from each procedure's meta. */
export function successStatuses(router: AnyRouter): Map<string, number> {
  const out = new Map<string, number>();
  for (const [path, proc] of Object.entries(router._def.procedures)) {
    const meta = (proc as { _def: { meta?: Meta } })._def.meta;
    if (meta?.successStatus) out.set(path, meta.successStatus);
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the REST API, generated from the routers, then completed with what the generator does
 * not know: our error envelope on every error response, the real success status, and the request-id and rate-limit
 * headers.
 */
export function buildOpenApiDocument(router: AnyRouter, baseUrl: string): OpenAPIObject {
  const doc = generateOpenApiDocument(router, {
    title: 'Switchyard API',
    description:
      'Workflows and signed, retried webhooks for your product. Every response carries X-Request-ID; ' +
      'successes are `{ "data": … }`, failures `{ "error": { "code", "message", "details", "request_id" } }`. ' +
      'Request bodies are JSON or, with the same fields, form-encoded (`application/x-www-form-urlencoded`, ' +
      'bracket notation for objects and lists: `config[primary_color]=…`, `events[0][type]=…`). ' +
      'Send `Idempotency-Key` on any POST (or other write) to make retries safe.',
    version: '0.1.0',
    license: { name: 'MIT', identifier: 'MIT' },
    baseUrl,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    },
  });
  const byOperationId = new Map<string, number>();
  for (const [path, status] of successStatuses(router)) byOperationId.set(path.replace(/\./g, '-'), status);
  // trpc-to-openapi keeps one response object per status for the whole document (the first route's description
  // wins, and an edit to one edits all): each operation gets its own, described as its route's meta says.
  const errorTexts = new Map<string, Record<string, string>>();
  for (const [path, proc] of Object.entries(router._def.procedures)) {
    const texts = (proc as { _def: { meta?: Meta } })._def.meta?.openapi?.errorResponses;
    if (texts && !Array.isArray(texts))
      errorTexts.set(path.replace(/\./g, '-'), texts as Record<string, string>);
  }

  doc.components ??= {};
  doc.components.schemas = {
    ...doc.components.schemas,
    Error: errorSchema as never,
    ErrorDetail: errorDetailSchema as never,
  };
  doc.components.headers = {
    'X-Request-ID': { description: 'Echo of the request id sent, or a new one', schema: { type: 'string' } },
    'X-RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
    'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
    'X-RateLimit-Reset': { description: 'Unix time (s) the window resets', schema: { type: 'integer' } },
    'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  };
  doc.components.parameters = {
    ...doc.components.parameters,
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the call safe to retry: the same key with the same body on the same operation replays the first ' +
        'response for 24 h (keys starting with `life-` never expire), and a duplicate sent while the first is ' +
        'still running waits for it; the same key with another body is 409 `idempotency_conflict`. A failed call ' +
        'is not remembered.',
      schema: { type: 'string', maxLength: 255 },
    },
  };
  type Operation = {
    operationId?: string;
    // biome-ignore lint/suspicious/noExplicitAny: the generated document's response objects, edited in place
    responses?: Record<string, any>;
    security?: unknown[];
    parameters?: unknown[];
  };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const authed = op.security !== undefined && op.security.length > 0;
      if (method !== 'get' && authed) {
        op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      }
      // trpc-to-openapi lists both schemes as required together; either one authenticates. A public route says
      // so with an empty list (no credential), as OpenAPI has it.
      op.security = authed ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [];
      const ok = op.responses['200'];
      const status = op.operationId ? byOperationId.get(op.operationId) : undefined;
      if (ok && status && status !== 200) {
        op.responses[String(status)] = ok;
        delete op.responses['200'];
      }
      op.parameters = oneExpandParameter(op.parameters);
      const texts = op.operationId ? errorTexts.get(op.operationId) : undefined;
      for (const [code, shared] of Object.entries(op.responses)) {
        const n = Number(code);
        const resp = { ...shared, description: texts?.[code] ?? shared.description };
        op.responses[code] = resp;
        const headers: Record<string, unknown> = { 'X-Request-ID': headerRef('X-Request-ID') };
        if (authed) {
          headers['X-RateLimit-Limit'] = headerRef('X-RateLimit-Limit');
          headers['X-RateLimit-Remaining'] = headerRef('X-RateLimit-Remaining');
          headers['X-RateLimit-Reset'] = headerRef('X-RateLimit-Reset');
        }
        if (n === 429) headers['Retry-After'] = headerRef('Retry-After');
        resp.headers = { ...resp.headers, ...headers };
        if (n >= 400) {
          resp.content = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
        }
      }
    }
  }
  dropUnusedSchemas(doc);
  return doc;
}

type Parameter = { name?: string; in?: string; schema?: unknown; style?: string; explode?: boolean };

/**
 * The inputs accept `expand[]=a&expand[]=b` (the seed's spelling) and plain `expand=a`; the document names only
 * `expand[]`, as a list, so a generated client has one parameter (two made openapi-python-client skip the route).
 */
function oneExpandParameter(parameters: unknown[] | undefined): unknown[] | undefined {
  if (!parameters) return parameters;
  const list = parameters as Parameter[];
  const bracketed = list.find((p) => p.in === 'query' && p.name === 'expand[]');
  if (!bracketed) return parameters;
  const one = (bracketed.schema as { anyOf?: { type?: string; items?: unknown }[] }).anyOf;
  const items = one?.find((s) => s.type === 'array')?.items;
  if (items) bracketed.schema = { type: 'array', items, description: 'Related objects to include' };
  bracketed.style = 'form';
  bracketed.explode = true;
  return list.filter((p) => !(p.in === 'query' && p.name === 'expand'));
}

/** Removes component schemas nothing refers to (trpc-to-openapi adds one per tRPC error code). */
function dropUnusedSchemas(doc: OpenAPIObject): void {
  const schemas = doc.components?.schemas;
  if (!schemas) return;
  const refsIn = (value: unknown) =>
    Array.from(JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g), (m) =>
      decodeURIComponent(m[1] as string),
    );
  const used = new Set<string>();
  // From everything but the schemas themselves, then through the schemas those reach.
  const pending = refsIn({ ...doc, components: { ...doc.components, schemas: {} } });
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}
