import { ErrorCode } from '@switchyard/core';
import type { AnyRouter } from '@trpc/server';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { Meta } from './trpc.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string', enum: Object.keys(ErrorCode), description: 'Stable, machine-readable code' },
        message: { type: 'string', description: 'What went wrong, for a person' },
        request_id: { type: 'string', description: 'Also in the X-Request-ID header' },
        details: { description: 'Field-level problems or other structured detail' },
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
      'successes are `{ "data": … }`, failures `{ "error": { "code", "message", "request_id", "details" } }`. ' +
      'Send `Idempotency-Key` on any POST to make retries safe.',
    version: '0.1.0',
    baseUrl,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    },
  });
  const byOperationId = new Map<string, number>();
  for (const [path, status] of successStatuses(router)) byOperationId.set(path.replace(/\./g, '-'), status);

  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Error: errorSchema as never };
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
        'Makes the POST safe to retry: the same key with the same body replays the first response for 24 h ' +
        '(keys starting with `life-` never expire); the same key with another body is 409 `idempotency_conflict`.',
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
      if (method === 'post' && op.security) {
        op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      }
      // trpc-to-openapi lists both schemes as required together; either one authenticates.
      if (op.security) op.security = [{ bearerAuth: [] }, { apiKeyHeader: [] }];
      const ok = op.responses['200'];
      const status = op.operationId ? byOperationId.get(op.operationId) : undefined;
      if (ok && status && status !== 200) {
        op.responses[String(status)] = ok;
        delete op.responses['200'];
      }
      for (const [code, resp] of Object.entries(op.responses)) {
        const n = Number(code);
        const headers: Record<string, unknown> = { 'X-Request-ID': headerRef('X-Request-ID') };
        if (op.security) {
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
  return doc;
}
