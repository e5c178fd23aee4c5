import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import type { Logger } from 'pino';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

/**
 * A per-API-key fixed window kept in Postgres (the `rate_limits` table, created by our migrations), so every server
 * process shares one count.
 */
export function createRateLimiter(pool: pg.Pool, points: number, windowSeconds: number): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: 'api',
    points,
    duration: windowSeconds,
  });
}

function setHeaders(res: ServerResponse | undefined, limit: number, r: RateLimiterRes): void {
  if (!res || res.headersSent) return;
  res.setHeader('X-RateLimit-Limit', String(limit));
  res.setHeader('X-RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil((Date.now() + r.msBeforeNext) / 1000)));
}

/**
 * Counts one request for `key`, sets the X-RateLimit-* headers, and throws 429 `rate_limited` (with Retry-After)
 * past the limit. If the store itself fails the request goes through: a broken counter must not take the API down.
 */
export async function consumeRateLimit(
  limiter: RateLimiterPostgres,
  key: string,
  res: ServerResponse | undefined,
  logger: Logger,
): Promise<void> {
  try {
    const r = await limiter.consume(key);
    setHeaders(res, limiter.points, r);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) {
      logger.warn({ err }, 'rate limiter store failed; letting the request through');
      return;
    }
    setHeaders(res, limiter.points, err);
    const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    res?.setHeader('Retry-After', String(retryAfter));
    throw new AppError('rate_limited', `Rate limit exceeded: retry after ${retryAfter} s`, [
      { message: `retry after ${retryAfter} s (the Retry-After header)`, retry_after_seconds: retryAfter },
    ]);
  }
}
