import type { ErrorCode } from '@switchyard/core';
import { UnexpectedResponseError } from './request.ts';

/** Codes the client gives when no API answer arrived: the connection failed, or the call ran out of time. */
export type ClientErrorCode = 'network_error' | 'timeout';

/** Every code a {@link SwitchyardError} can carry: the API's stable codes plus the client's own two. */
export type SwitchyardErrorCode = ErrorCode | ClientErrorCode;

/** What a {@link SwitchyardError} is built from. */
export interface SwitchyardErrorInit {
  code: SwitchyardErrorCode;
  message: string;
  status: number | null;
  requestId: string | null;
  /** The answer's headers; null when no answer came. */
  headers?: Headers | null;
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error every client call throws: the API's stable `code` (`not_found`, `validation_error`, …), the HTTP
 * `status` and the answer's `headers` (`Retry-After`, `X-RateLimit-*`; both null when no answer came), the
 * server's `requestId` (quote it in a bug report) and `details` (field-level problems for validation errors).
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly code: SwitchyardErrorCode;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly headers: Headers | null;
  readonly details: unknown;
  constructor(init: SwitchyardErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.headers = init.headers ?? null;
    this.details = init.details;
  }
}

/** True when `err` is a {@link SwitchyardError}, optionally with one of `codes`. */
export function isSwitchyardError(err: unknown, ...codes: SwitchyardErrorCode[]): err is SwitchyardError {
  return err instanceof SwitchyardError && (codes.length === 0 || codes.includes(err.code));
}

/** The `data` the server's tRPC error formatter adds (packages/server/src/trpc.ts). */
interface ServerErrorData {
  code?: string;
  httpStatus?: number;
  appCode?: ErrorCode;
  details?: unknown;
  requestId?: string;
}

/** The parts of a `TRPCClientError` we read; typed structurally so no tRPC internals leak into our types. */
export interface TRPCClientErrorLike {
  message: string;
  data?: unknown;
  cause?: unknown;
  meta?: { response?: { status?: number; headers?: Headers } };
}

function findCause<T>(err: unknown, test: (e: unknown) => e is T): T | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return e;
  }
  return null;
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'invalid_key';
    case 403:
      return 'insufficient_permissions';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal_error' : 'validation_error';
  }
}

function isAbort(err: unknown): 'timeout' | 'abort' | null {
  const named = findCause(err, (e): e is { name: string } => {
    const name = (e as { name?: unknown }).name;
    return name === 'TimeoutError' || name === 'AbortError';
  });
  if (!named) return null;
  return named.name === 'TimeoutError' ? 'timeout' : 'abort';
}

/**
 * Turns what the tRPC client threw into a {@link SwitchyardError}. An error the server formatted carries its code,
 * status, request id and details in `data`; anything without `data` never got an API answer (network or timeout).
 * A caller's own abort is passed through unchanged.
 */
export function toSwitchyardError(err: TRPCClientErrorLike): Error {
  const data = err.data as ServerErrorData | undefined | null;
  const response = err.meta?.response;
  const headers = response?.headers ?? null;
  const headerId = headers?.get('x-request-id') ?? null;
  if (data && (data.appCode || data.httpStatus)) {
    return new SwitchyardError({
      code: data.appCode ?? 'internal_error',
      message: err.message,
      status: data.httpStatus ?? response?.status ?? null,
      requestId: data.requestId ?? headerId,
      headers,
      details: data.details,
      cause: err,
    });
  }
  // An answer that is not ours (a proxy's 502 page, say): keep its status.
  const foreign = findCause(err, (e): e is UnexpectedResponseError => e instanceof UnexpectedResponseError);
  const status = foreign?.status ?? response?.status;
  if (status) {
    return new SwitchyardError({
      code: codeForStatus(status),
      message: `Unexpected response from the API: ${foreign?.message ?? `HTTP ${status}`}`,
      status,
      requestId: foreign?.requestId ?? headerId,
      headers: foreign?.headers ?? headers,
      cause: err,
    });
  }
  const abort = isAbort(err);
  if (abort === 'abort') return (err.cause as Error | undefined) ?? (err as unknown as Error);
  return new SwitchyardError({
    code: abort === 'timeout' ? 'timeout' : 'network_error',
    message:
      abort === 'timeout' ? 'The request timed out' : `Could not reach the Switchyard API: ${err.message}`,
    status: null,
    requestId: null,
    cause: err,
  });
}
