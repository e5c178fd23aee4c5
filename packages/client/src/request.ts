import ky, { type Hooks, type HTTPError, isHTTPError } from 'ky';

/**
 * A `fetch` as the client uses it (the global one, undici's, or a test's). ky calls it with a `Request` (method,
 * headers and body are on it) for every attempt.
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** ky hooks run on every call: `beforeRequest` and `afterResponse` each attempt, `beforeRetry`, `beforeError`. */
export type ClientHooks = Partial<
  Pick<Hooks, 'beforeRequest' | 'beforeRetry' | 'afterResponse' | 'beforeError'>
>;

/** How the client retries and times out each HTTP request. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2, so at most 3 attempts). */
  maxRetries: number;
  /** Time allowed for one attempt, in ms (default 30 000). */
  timeoutMs: number;
  /** First backoff delay in ms, doubled on each retry, with jitter (default 500). */
  baseDelayMs: number;
  /** Longest backoff delay in ms (default 8 000). */
  maxDelayMs: number;
  /** A `Retry-After` longer than this (ms, default 60 000) is not waited for: the 429 or 503 is returned. */
  maxRetryAfterMs: number;
}

/**
 * An error status whose body is not JSON, so not from Switchyard itself (a proxy's or load balancer's error page).
 * Thrown from the fetch so the status survives tRPC, which would otherwise only report unparsable JSON.
 */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  readonly status: number;
  readonly headers: Headers;
  readonly requestId: string | null;
  constructor(status: number, headers: Headers, body: string) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.status = status;
    this.headers = headers;
    this.requestId = headers.get('x-request-id');
  }
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  timeoutMs: 30_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** The retry policy of a client's options: each setting given, else its default. */
export function retryPolicyOf(options: Partial<RetryPolicy>): RetryPolicy {
  return {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

/** The fetch a client sends with: the one given, else the global one (looked up per call). */
export function fetchOf(options: { fetch?: FetchLike }): FetchLike {
  return options.fetch ?? ((input, init) => globalThis.fetch(input, init));
}

/** True for the statuses worth another try: 429 and every 5xx. A 4xx will fail the same way again. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const RETRIABLE_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('json');
}

async function checked(res: Response): Promise<Response> {
  if (res.ok || isJson(res)) return res;
  throw new UnexpectedResponseError(res.status, res.headers, await res.text().catch(() => ''));
}

// ky read the body of the last retriable answer into `error.data` (parsed when it was JSON). A JSON answer is
// Switchyard's error envelope, handed back to tRPC as a response; anything else is a proxy's page.
function lastAnswer(error: HTTPError): Response {
  const { response, data } = error;
  if (isJson(response) && data !== undefined && typeof data !== 'string') {
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(JSON.stringify(data), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
  throw new UnexpectedResponseError(response.status, response.headers, typeof data === 'string' ? data : '');
}

/**
 * The client's HTTP layer: ky, over `baseFetch`. Each attempt has its own timeout; network errors, timed-out
 * attempts, 429 and 5xx are retried with exponential backoff and jitter (waiting as `Retry-After` says on 429 and
 * 503, up to `maxRetryAfterMs`, beyond which the answer is returned at once), any other status never. GET and POST
 * are both retried: tRPC sends queries as GET and mutations as POST, and every mutation carries an
 * `Idempotency-Key` that each attempt repeats, so the server runs it at most once. The body must be replayable (a
 * string, as tRPC sends).
 */
export function createHttp(baseFetch: FetchLike, policy: RetryPolicy, hooks: ClientHooks = {}): FetchLike {
  const api = ky.create({
    fetch: baseFetch,
    timeout: policy.timeoutMs,
    // Only answers worth retrying become errors, so ky retries them; every other one goes to tRPC untouched.
    throwHttpErrors: isRetriableStatus,
    retry: {
      limit: policy.maxRetries,
      methods: ['get', 'post'],
      statusCodes: RETRIABLE_STATUSES,
      afterStatusCodes: [429, 503],
      maxRetryAfter: policy.maxRetryAfterMs,
      retryOnTimeout: true,
      delay: (attempt) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)),
      // "Equal jitter": at least half the delay, so retries from many clients spread out without ever being instant.
      jitter: (delay) => delay / 2 + Math.random() * (delay / 2),
      shouldRetry: ({ error }) => {
        if (!isHTTPError(error)) return undefined;
        const asked = parseRetryAfter(error.response.headers.get('retry-after'));
        return asked !== null && asked > policy.maxRetryAfterMs ? false : undefined;
      },
    },
    hooks,
  });
  return async (input, init) => {
    let res: Response;
    try {
      res = await api(input, init);
    } catch (err) {
      if (isHTTPError(err)) return lastAnswer(err);
      throw err;
    }
    return checked(res);
  };
}
