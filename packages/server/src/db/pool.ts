import type pg from 'pg';
import type { Logger } from 'pino';

// Error codes that mean "the database cannot be reached right now", not "this statement is wrong": the server is
// down or restarting, refuses more connections, or the network between us dropped.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  '53300', // too_many_connections ("sorry, too many clients already")
  '57P01', // admin_shutdown (a fast stop terminates every session)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

// pg reports a socket closed under it with a message and no code.
const UNREACHABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
];

/**
 * Whether `err` (or an error it wraps: the ORM and tRPC wrap the driver's) says the database is unreachable —
 * down, restarting, refusing connections — rather than that a statement failed. Such a failure is worth retrying.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.some((re) => re.test(message))) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnreachable)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Options for {@link waitOutRefusals}. */
export interface WaitOptions {
  /** How long one checkout may keep retrying before its error is passed on. */
  waitMs: number;
  logger: Logger;
  /** What the log lines call this pool. */
  name: string;
}

type ConnectCallback = (
  err: Error | undefined,
  client?: pg.PoolClient,
  done?: (release?: unknown) => void,
) => void;

/**
 * Makes `pool` wait out a database that refuses or drops connections for a moment instead of failing the caller at
 * once: a checkout that fails because the server is unreachable (down, restarting, "too many clients already") is
 * tried again with backoff for up to `waitMs`, then fails with the last error. Statement errors pass through
 * untouched: only getting a connection is retried, never a statement, which may have run.
 *
 * The pool's own `connect` is wrapped on the instance because the ORM builds its pool itself; pg-pool's `query`
 * checks out through `this.connect`, so plain queries are covered too. One log line when the waiting starts and
 * one when it ends, not one per try.
 */
export function waitOutRefusals<P extends pg.Pool>(pool: P, opts: WaitOptions): P {
  const original = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  let outageSince: number | null = null;
  const attempt = async (): Promise<pg.PoolClient> => {
    const started = Date.now();
    for (let tries = 0; ; tries++) {
      try {
        const client = await original();
        if (outageSince !== null) {
          opts.logger.info(
            { pool: opts.name, seconds: Math.round((Date.now() - outageSince) / 1000) },
            'database reachable again',
          );
          outageSince = null;
        }
        return client;
      } catch (err) {
        if (!isDatabaseUnreachable(err) || Date.now() - started >= opts.waitMs) throw err;
        if (outageSince === null) {
          outageSince = Date.now();
          opts.logger.warn(
            { pool: opts.name, err: (err as Error).message },
            'database unreachable; waiting for it',
          );
        }
        // 100 ms, growing by half each try up to 2 s, with jitter so that many waiting checkouts do not stampede.
        const delay = Math.min(2_000, 100 * 1.5 ** tries) * (0.5 + Math.random() / 2);
        await new Promise((r) => setTimeout(r, Math.min(delay, opts.waitMs - (Date.now() - started) + 10)));
      }
    }
  };
  // pg-pool's connect takes an optional callback (graphile-worker's LISTEN client uses it) or returns a promise.
  (pool as unknown as { connect: (cb?: ConnectCallback) => Promise<pg.PoolClient> | undefined }).connect = (
    cb?: ConnectCallback,
  ) => {
    const p = attempt();
    if (!cb) return p;
    p.then(
      (client) => cb(undefined, client, (release?: unknown) => client.release(release as Error | undefined)),
      (err: Error) => cb(err),
    );
    return undefined;
  };
  return pool;
}
