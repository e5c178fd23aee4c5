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
}

/** REST metadata for a procedure: its path under `/v1`, tag, and every error response it can give. */
export function openapi(spec: RouteSpec): Meta {
  const errors: Record<number, string> = {
    400: 'validation_error, missing_required_field or another input error',
  };
  if (!spec.public) {
    errors[401] = 'invalid_key: missing, invalid or revoked API key';
    errors[403] = 'insufficient_permissions: the key lacks the scope';
  }
  if (spec.notFound) errors[404] = 'not_found';
  if (spec.conflict) errors[409] = spec.conflict;
  if (spec.method !== 'GET' && spec.method !== 'DELETE') errors[413] = 'payload_too_large';
  if (!spec.public) errors[429] = 'rate_limited: retry after the Retry-After header';
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
  };
}
