// The README's "Use over REST" snippet is the region below, run by examples/rest.test.ts against the real server.
// Any stack works the same way from GET /openapi.json; this one is TypeScript with openapi-typescript + openapi-fetch.
import createClient from 'openapi-fetch';
import type { paths } from '../test/openapi.d.ts';

/** Creates a user, reads it back, and shows an error and an idempotent retry over plain REST. */
export async function restQuickstart(baseUrl: string, apiKey: string) {
  // #region use-over-rest
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

  // PUT /v1/users/{key}: create or update a user; the body is typed from the OpenAPI document.
  const put = await api.PUT('/v1/users/{key}', {
    params: { path: { key: 'grace' } },
    body: { name: 'Grace Hopper', email: 'grace@example.com' },
  });
  console.log(put.data?.data.id, put.response.headers.get('x-request-id'));

  // Errors share one shape: { error: { code, message, request_id, details } }.
  const missing = await api.GET('/v1/users/{key}', { params: { path: { key: 'nobody' } } });
  console.log(missing.response.status, missing.error?.error.code); // 404 'not_found'

  // POST with an Idempotency-Key is safe to retry: the same key replays the first response.
  const once = {
    params: { header: { 'Idempotency-Key': 'create-ci-key-1' } },
    body: { name: 'ci', scopes: ['users:read' as const] },
  };
  const first = await api.POST('/v1/api-keys', once);
  const retry = await api.POST('/v1/api-keys', once);
  console.log(first.data?.data.id === retry.data?.data.id); // true

  // Lists are newest first; page with starting_after = the last id.
  const page = await api.GET('/v1/users', { params: { query: { limit: 10 } } });
  console.log(
    page.data?.data.map((u) => u.key),
    page.data?.meta.has_next_page,
  );
  // #endregion
  return { put, missing, first, retry, page };
}
