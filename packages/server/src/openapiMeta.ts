import type { Meta } from './trpc.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a procedure appears in REST: see {@link openapi}. */
export interface RouteSpec {
  method: Method;
  /** Path below `/v1`, with `{param}` placeholders. */
  path: `/${string}`;
  tag: string;
  summary: string;
  description?: string;
  /** HTTP status of a success; 200 unless said (201 for creations, 202 for accepted work). */
  status?: number;
  /** The route can answer 404 `not_found`. */
  notFound?: boolean;
  /** The route can answer 409 (name the codes in the description). */
  conflict?: string;
  /** Public routes need no API key. */
  public?: boolean;
  /** A public route that can still answer 401 `invalid_key` for a credential in its body (say why). */
  unauthorized?: string;
  /** The procedure counts the request against the rate limit in its own statement (see `Meta`). */
  rateLimitInStatement?: true;
  /** The procedure claims the Idempotency-Key itself, in its own statement when it can (see `Meta`). */
  idempotencyInStatement?: true;
}

const IDEMPOTENCY_CONFLICT = 'idempotency_conflict: the Idempotency-Key was used with another body';

/**
 * REST metadata for a procedure: its path under `/v1`, tag, and every error response it can give — those of the
 * route itself and those every route shares (an input refused, a body over the limit, headers over 16 KB, a
 * request that did not arrive in time, a failure of ours).
 */
export function openapi(spec: RouteSpec): Meta {
  const errors: Record<number, string> = {
    400: 'validation_error, missing_required_field or another input error',
  };
  if (!spec.public) {
    errors[401] = 'invalid_key: missing, invalid or revoked API key';
    errors[403] = 'insufficient_permissions: the key lacks the scope';
  } else if (spec.unauthorized) errors[401] = `invalid_key: ${spec.unauthorized}`;
  if (spec.notFound) errors[404] = 'not_found';
  errors[408] = 'request_timeout: the request did not arrive in time';
  // Every write takes an Idempotency-Key (the SDK sends one with each).
  const conflicts = [spec.conflict, spec.method !== 'GET' && !spec.public ? IDEMPOTENCY_CONFLICT : undefined];
  if (conflicts.some(Boolean)) errors[409] = conflicts.filter(Boolean).join('; ');
  // GET and DELETE too: a form body sent with them (curl -X GET -d …) is read, up to the same limit.
  errors[413] = 'payload_too_large';
  if (!spec.public) errors[429] = 'rate_limited: retry after the Retry-After header';
  errors[431] = 'headers_too_large: the request line and headers are over 16 KB';
  errors[500] = 'internal_error';
  errors[503] = 'unavailable: the database is unreachable for the moment; retry after the Retry-After header';
  return {
    openapi: {
      method: spec.method,
      path: `/v1${spec.path}`,
      tags: [spec.tag],
      summary: spec.summary,
      description: spec.description,
      protect: !spec.public,
      errorResponses: errors,
    },
    successStatus: spec.status,
    ...(spec.rateLimitInStatement && { rateLimitInStatement: spec.rateLimitInStatement }),
    ...(spec.idempotencyInStatement && { idempotencyInStatement: spec.idempotencyInStatement }),
  };
}
