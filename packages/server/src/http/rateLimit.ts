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

function refuse(res: ServerResponse | undefined, limit: number, r: RateLimiterRes): never {
  setHeaders(res, limit, r);
  const retryAfter = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  res?.setHeader('Retry-After', String(retryAfter));
  throw new AppError('rate_limited', `Rate limit exceeded: retry after ${retryAfter} s`, [
    { message: `retry after ${retryAfter} s (the Retry-After header)`, retry_after_seconds: retryAfter },
  ]);
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
    refuse(res, limiter.points, err);
  }
}

/** What a statement of the route itself needs to count a request (see {@link RateCharge.inStatement}). */
export interface StatementRateCount {
  /** The limiter's row: `rate_limits.key`. */
  key: string;
  /** The window's end if this count opens a new one, and now (ms since the epoch, as the limiter stores them). */
  expireIfNew: number;
  nowMs: number;
  limit: number;
}

/**
 * One request's rate-limit count, left to the route: a route whose own statement can add it (event ingestion)
 * saves the limiter's round trip and transaction; any other outcome (the route's other path, an error before its
 * statement, an idempotent replay) counts it with the limiter afterwards, so every request still counts once and a
 * request past the limit still answers 429.
 */
export class RateCharge {
  private done = false;
  /** The 429 that {@link settle} answered, kept: a call counted once is refused again, never let through. */
  private refusal: unknown = null;
  private readonly limiter: RateLimiterPostgres;
  private readonly id: string;
  private readonly res: ServerResponse | undefined;
  private readonly logger: Logger;

  constructor(limiter: RateLimiterPostgres, id: string, res: ServerResponse | undefined, logger: Logger) {
    this.limiter = limiter;
    this.id = id;
    this.res = res;
    this.logger = logger;
  }

  /** Whether the request was counted. */
  get settled(): boolean {
    return this.done;
  }

  /** What a statement needs to count the request (it then reports the count back through {@link settle}). */
  inStatement(): StatementRateCount {
    const nowMs = Date.now();
    return {
      key: this.limiter.getKey(this.id),
      expireIfNew: nowMs + this.limiter.duration * 1000,
      nowMs,
      limit: this.limiter.points,
    };
  }

  /**
   * The row as the statement left it (`consumed` points in the window ending at `expire`): sets the X-RateLimit-*
   * headers, and throws 429 past the limit (the statement then wrote nothing).
   */
  settle(consumed: number, expire: number | null): void {
    this.done = true;
    const r = new RateLimiterRes(
      Math.max(this.limiter.points - consumed, 0),
      expire === null ? -1 : Math.max(expire - Date.now(), 0),
      consumed,
    );
    if (consumed > this.limiter.points) {
      try {
        refuse(this.res, this.limiter.points, r);
      } catch (err) {
        this.refusal = err;
        throw err;
      }
    }
    setHeaders(this.res, this.limiter.points, r);
  }

  /**
   * Counts the request with the limiter, unless a statement did (one that failed rolled its count back with it):
   * 429 past the limit.
   */
  async consume(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await consumeRateLimit(this.limiter, this.id, this.res, this.logger);
  }

  /**
   * Counts many requests at once, one limiter call per key (its points the key's requests here): each request's
   * count is the key's before the call plus its place among them, so the same requests pass as if each had counted
   * alone, in that order. Answers, per charge, its 429 past the limit or null; a charge already counted is not
   * counted again, and answers what it answered then (a group that failed runs its calls again alone). If the store
   * itself fails the requests go through, as with {@link consume}.
   */
  static async consumeAll(charges: readonly (RateCharge | undefined)[]): Promise<(unknown | null)[]> {
    const byKey = new Map<RateLimiterPostgres, Map<string, RateCharge[]>>();
    for (const c of charges) {
      if (!c || c.done) continue;
      c.done = true;
      const ofLimiter = byKey.get(c.limiter) ?? new Map<string, RateCharge[]>();
      byKey.set(c.limiter, ofLimiter);
      ofLimiter.set(c.id, [...(ofLimiter.get(c.id) ?? []), c]);
    }
    for (const group of [...byKey.values()].flatMap((m) => [...m.values()])) {
      const first = group[0] as RateCharge;
      let after: RateLimiterRes;
      try {
        after = await first.limiter.consume(first.id, group.length);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) {
          first.logger.warn({ err }, 'rate limiter store failed; letting the requests through');
          continue;
        }
        after = err;
      }
      const expire = after.msBeforeNext < 0 ? null : Date.now() + after.msBeforeNext;
      for (const [i, c] of group.entries()) {
        try {
          c.settle(after.consumedPoints - group.length + i + 1, expire);
        } catch {
          // Kept as the charge's refusal.
        }
      }
    }
    return charges.map((c) => c?.refusal ?? null);
  }
}
