import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TYPES_FILE, renderOpenApiTypes } from '../scripts/openapiTypes.ts';

// What plain-REST users consume: the document the running server serves, checked the way their tools read it.
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: ({ $ref: string } | { name: string; in: string })[];
  responses: Record<
    string,
    { content?: Record<string, { schema?: { $ref?: string } }>; headers?: object; description?: string }
  >;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, object>;
};

/** Routes that need no credential. */
const PUBLIC = new Set(['POST /v1/portal/sessions/exchange']);

let srv: TestServer;
let doc: Doc;
beforeAll(async () => {
  srv = await startTestServer();
  const res = await fetch(`${srv.url}/openapi.json`);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  doc = (await res.json()) as Doc;
});
afterAll(() => srv?.close());

function operations(): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation],
    ),
  );
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does reject a broken document (an operation without responses, a bad security scheme).
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, { responses?: unknown }>>;
    };
    delete Object.values(Object.values(broken.paths)[0] ?? {})[0]?.responses;
    (broken as unknown as Doc).components.securitySchemes = { bearerAuth: { type: 'magic' } };
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('has the routes of the routers, each with a unique operation id', () => {
    const ops = operations();
    expect(ops.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'PUT /v1/users/{key}',
        'GET /v1/users',
        'POST /v1/api-keys',
        'DELETE /v1/api-keys/{id}',
      ]),
    );
    const ids = ops.map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every route documents its security and its error responses in the error envelope', () => {
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    expect(schemes.sort()).toEqual(['apiKeyHeader', 'bearerAuth']);
    for (const [name, op] of operations()) {
      const codes = Object.keys(op.responses);
      const where = `${name} (${codes.join(', ')})`;
      expect(
        codes.some((c) => c.startsWith('2')),
        where,
      ).toBe(true);
      expect(codes, where).toEqual(expect.arrayContaining(['400', '500']));
      // The one public route (the portal's code exchange) says so: an empty security list, and a 401 only for the
      // code in its body (no key, so no 403 and no rate limit).
      if (PUBLIC.has(name)) {
        expect(op.security, where).toEqual([]);
        expect(codes, where).not.toContain('403');
        expect(op.responses['401']?.description, where).toMatch(/code/);
        continue;
      }
      expect(op.security, where).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
      expect(codes, where).toEqual(expect.arrayContaining(['401', '403', '429']));
      for (const code of codes.filter((c) => Number(c) >= 400)) {
        expect(op.responses[code]?.content?.['application/json']?.schema?.$ref, `${where} ${code}`).toBe(
          '#/components/schemas/Error',
        );
      }
      expect(op.responses['429']?.headers, where).toHaveProperty('Retry-After');
    }
  });

  it('documents Idempotency-Key on every authenticated POST', () => {
    for (const [name, op] of operations().filter(([n]) => n.startsWith('POST ') && !PUBLIC.has(n))) {
      expect(op.parameters, name).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    }
  });
});

/** One operation's type in generated types, with formatting (the repo's formatter may rewrite the file) removed. */
function operationBlock(types: string, op: string): string {
  // The formatter's leading `|` of a broken union line is the only other difference.
  const flat = types
    .replace(/\s+/g, '')
    .replace(/"/g, "'")
    .replace(/([(:=<,])\|/g, '$1');
  const start = flat.indexOf(`'${op}':{`);
  expect(start, op).toBeGreaterThanOrEqual(0);
  let depth = 0;
  for (let i = flat.indexOf('{', start); i < flat.length; i++) {
    if (flat[i] === '{') depth++;
    if (flat[i] === '}' && --depth === 0) return flat.slice(start, i + 1);
  }
  throw new Error(`unbalanced braces after ${op}`);
}

describe('openapi-typescript', () => {
  it('generates types for every path of the served document', async () => {
    const types = await renderOpenApiTypes(doc);
    for (const path of Object.keys(doc.paths)) expect(types).toContain(`"${path}": {`);
    expect(types).toContain('export interface paths');
    expect(types).toContain('export interface operations');
  });

  it('the committed types used by the REST example hold the users and API key routes', async () => {
    // test/openapi.d.ts is regenerated with `pnpm --filter @switchyard/client gen:openapi`; the REST example
    // (examples/rest.ts) type-checks against it and runs against the real server.
    const committed = await readFile(OPENAPI_TYPES_FILE, 'utf8');
    const fresh = await renderOpenApiTypes(doc);
    for (const op of ['users-upsert', 'users-get', 'users-list', 'apiKeys-create']) {
      expect(operationBlock(committed, op), op).toBe(operationBlock(fresh, op));
    }
  });
});
