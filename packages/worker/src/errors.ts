/** A failure that retrying cannot fix (a 4xx answer, a bad config): the step fails at once. */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
}

/** A failure to retry no sooner than `retryAfterMs` from now (a 429 with Retry-After, say). */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}
