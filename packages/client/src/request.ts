/** A `fetch` as the client uses it (the global one, undici's, or a test's). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

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
  readonly requestId: string | null;
  constructor(status: number, requestId: string | null, body: string) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.status = status;
    this.requestId = requestId;
  }
}

async function checked(res: Response): Promise<Response> {
  if (res.ok || (res.headers.get('content-type') ?? '').includes('json')) return res;
  throw new UnexpectedResponseError(
    res.status,
    res.headers.get('x-request-id'),
    await res.text().catch(() => ''),
  );
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  timeoutMs: 30_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** True for the statuses worth another try: 429 and every 5xx. A 4xx will fail the same way again. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function backoff(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  // "Equal jitter": at least half the delay, so retries from many clients spread out without ever being instant.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wraps `fetch` so each request is retried on a network error, a timed-out attempt, a 5xx or a 429 (waiting as
 * `Retry-After` says), with exponential backoff, and never on any other status. Every attempt sends the very same
 * headers, so a mutation's `Idempotency-Key` is the same on each retry and the server runs it at most once.
 * The request body must be replayable (a string, as tRPC sends).
 */
export function createRetryingFetch(baseFetch: FetchLike, policy: RetryPolicy): FetchLike {
  return async (input, init = {}) => {
    const callerSignal = init.signal;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= policy.maxRetries;
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      let wait: number;
      try {
        const res = await baseFetch(input, { ...init, signal });
        if (last || !isRetriableStatus(res.status)) return await checked(res);
        const asked = parseRetryAfter(res.headers.get('retry-after'));
        if (asked !== null && asked > policy.maxRetryAfterMs) return await checked(res);
        wait = asked ?? backoff(policy, attempt);
        await res.body?.cancel().catch(() => {});
      } catch (err) {
        if (err instanceof UnexpectedResponseError) throw err;
        // The caller's own abort ends the call at once; a network failure or our per-attempt timeout is retried.
        if (callerSignal?.aborted || last) throw err;
        wait = backoff(policy, attempt);
      }
      await sleep(wait, callerSignal);
    }
  };
}
