import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKED_OPERATIONS,
  OPENAPI_TYPES_FILE,
  operationFingerprint,
  readFingerprints,
} from '../scripts/openapiTypes.ts';

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

describe('the generated REST types (test/openapi.d.ts)', () => {
  it('are current for every operation the REST example calls', async () => {
    // `pnpm build` writes them (`pnpm --filter @switchyard/client gen:openapi`); the REST example (examples/rest.ts)
    // type-checks against the file and runs against the real server. Only these operations are held current, so
    // a route added elsewhere does not make the file stale.
    const written = readFingerprints(await readFile(OPENAPI_TYPES_FILE, 'utf8'));
    for (const op of CHECKED_OPERATIONS) expect(written[op], op).toBe(operationFingerprint(doc, op));
  });

  it('fingerprints change with the operation or a schema it references, and only then', () => {
    const changed = structuredClone(doc) as unknown as { components: { schemas: Record<string, object> } };
    const before = operationFingerprint(changed, 'users-get');
    changed.components.schemas.Unrelated = { type: 'string' };
    expect(operationFingerprint(changed, 'users-get')).toBe(before);
    // users-get answers errors with the Error envelope, so a change to that schema must show.
    changed.components.schemas.Error = { ...changed.components.schemas.Error, description: 'changed' };
    expect(operationFingerprint(changed, 'users-get')).not.toBe(before);
  });
});
