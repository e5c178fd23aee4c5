/**
 * The one error vocabulary of Switchyard. Every API error carries one of these codes; the server maps each to an
 * HTTP status in one place, and the client exposes the code on `SwitchyardError`.
 */
export const ErrorCode = {
  validation_error: 400,
  missing_required_field: 400,
  invalid_url: 400,
  invalid_events: 400,
  payload_too_large: 413,
  /** The request's headers (URL included) are larger than the server accepts. */
  headers_too_large: 431,
  /** The request did not arrive in time. */
  request_timeout: 408,
  invalid_key: 401,
  insufficient_permissions: 403,
  not_found: 404,
  duplicate_name: 409,
  duplicate_webhook: 409,
  duplicate_key: 409,
  idempotency_conflict: 409,
  conflict: 409,
  rate_limited: 429,
  internal_error: 500,
  /** The database cannot be reached for the moment (down, restarting, out of connections): retry after `Retry-After`. */
  unavailable: 503,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ErrorCode;

/** HTTP status for an error code. */
export function statusForCode(code: ErrorCode): number {
  return ErrorCode[code];
}

/** One problem with an input: where it is (a dotted path or node id) and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

/** Thrown by core only for malformed input that a caller should have validated (never for data it evaluates). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[] = []) {
    super(message);
    this.problems = problems;
  }
}

/**
 * A failure that retrying cannot fix (a 4xx answer, a refused recipient, a bad config): the job or step fails at
 * once. `response` keeps what the other side answered, for the attempt log.
 */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  readonly response: unknown;
  constructor(message: string, opts: { cause?: unknown; response?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.response = opts.response;
  }
}

/** A failure to retry no sooner than `retryAfterMs` from now (a 429 with Retry-After, say). */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  readonly retryAfterMs: number;
  readonly response: unknown;
  constructor(message: string, retryAfterMs: number, opts: { cause?: unknown; response?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.retryAfterMs = retryAfterMs;
    this.response = opts.response;
  }
}
