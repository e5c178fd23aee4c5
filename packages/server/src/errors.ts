import { ErrorCode, type Problem } from '@switchyard/core';
import { TRPCError } from '@trpc/server';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { isDatabaseUnreachable } from './db/pool.ts';

/**
 * One entry of an error's `details`: usually a field problem (`path` dotted, `message`), sometimes a fact about the
 * refusal (e.g. `retry_after_seconds`) beside its message.
 */
export type ErrorDetail = Problem | { path?: string; message: string; [extra: string]: unknown };

/** The error every service throws for an expected failure: a stable code, a message and its details (`[]`: none). */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.code = code;
    this.details = [...details];
  }
  /** HTTP status for this error. */
  get status(): number {
    return ErrorCode[this.code];
  }
}

/** `{ "error": … }`, the body of every failed REST response (transport errors included): always all four fields. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; request_id: string; details: ErrorDetail[] };
}

const trpcCodeByStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  431: 'BAD_REQUEST',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** The tRPC error code matching an HTTP status. */
export function trpcCodeFor(status: number): TRPCError['code'] {
  return trpcCodeByStatus[status] ?? 'INTERNAL_SERVER_ERROR';
}

/** Wraps an AppError for tRPC so both transports carry the same code, status and details. */
export function toTRPCError(err: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeFor(err.status), message: err.message, cause: err });
}

/** Field-level problems of a zod error, with dotted paths. */
export function zodProblems(err: ZodError): Problem[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function isMissing(issue: ZodError['issues'][number]): boolean {
  return issue.code === 'invalid_type' && /received undefined/.test(issue.message);
}

/** tRPC's message when a procedure's answer fails its output schema. */
const OUTPUT_INVALID = 'Output validation failed';

/**
 * Turns whatever a procedure threw into an AppError: AppErrors pass through, zod failures become
 * `validation_error` (or `missing_required_field` when every problem is an absent field), tRPC's own errors keep
 * their meaning, anything else is an `internal_error` whose message does not leak internals.
 */
export function toAppError(cause: unknown): AppError {
  // An answer that fails its own output schema is the server's fault, not the caller's: its zod problems describe
  // the response, and must not come back as the request's validation_error.
  if (
    cause instanceof TRPCError &&
    cause.code === 'INTERNAL_SERVER_ERROR' &&
    cause.message === OUTPUT_INVALID
  ) {
    return new AppError('internal_error', 'Internal server error');
  }
  let err: unknown = cause;
  if (err instanceof TRPCError && err.cause) err = err.cause;
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const problems = zodProblems(err);
    const allMissing = err.issues.length > 0 && err.issues.every(isMissing);
    const fields = problems.map((p) => p.path || '(body)').join(', ');
    return allMissing
      ? new AppError('missing_required_field', `Missing required field: ${fields}`, problems)
      : new AppError('validation_error', `Invalid input: ${fields}`, problems);
  }
  if (cause instanceof TRPCError) {
    switch (cause.code) {
      case 'NOT_FOUND':
        return new AppError('not_found', cause.message === 'Not found' ? 'No such route' : cause.message);
      case 'PAYLOAD_TOO_LARGE':
        return new AppError('payload_too_large', cause.message);
      case 'PARSE_ERROR':
      case 'BAD_REQUEST':
      case 'UNSUPPORTED_MEDIA_TYPE':
      case 'METHOD_NOT_SUPPORTED':
        return new AppError('validation_error', cause.message);
      case 'UNAUTHORIZED':
        return new AppError('invalid_key', cause.message);
      case 'FORBIDDEN':
        return new AppError('insufficient_permissions', cause.message);
      case 'TOO_MANY_REQUESTS':
        return new AppError('rate_limited', cause.message);
      default:
        break;
    }
  }
  // A database that is down or restarting is not a bug of the request: the client may retry (Retry-After).
  if (isDatabaseUnreachable(err)) {
    return new AppError('unavailable', 'The database is unreachable for the moment: retry in a few seconds', [
      { message: 'nothing was stored: send the request again', retry_after_seconds: RETRY_AFTER_SECONDS },
    ]);
  }
  return new AppError('internal_error', 'Internal server error');
}

/** What a 503 `unavailable` tells the client to wait before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/** The REST error body for an error. */
export function errorEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  return { error: { code: err.code, message: err.message, details: err.details, request_id: requestId } };
}

/** What a tRPC error's `data` holds: the HTTP status and the same code, details and request id as REST. */
export interface TrpcErrorData {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  appCode: ErrorCode;
  details: ErrorDetail[];
  requestId: string | undefined;
  path?: string;
}

/** The tRPC error `data` of an AppError (the error formatter's, and a refusal before tRPC runs). */
export function trpcErrorData(err: AppError, requestId: string | undefined, path?: string): TrpcErrorData {
  return {
    code: trpcCodeFor(err.status),
    path,
    httpStatus: err.status,
    appCode: err.code,
    details: err.details,
    requestId,
  };
}

/** A whole tRPC error response for a call refused before tRPC saw it (e.g. an input nested too deep). */
export function trpcErrorBody(err: AppError, requestId: string) {
  const data = trpcErrorData(err, requestId);
  return { error: { message: err.message, code: TRPC_ERROR_CODES_BY_KEY[data.code], data } };
}

/** Shorthand for the most common error. */
export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found`);
}
