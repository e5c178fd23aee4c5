import type { OutboundPolicy } from '@switchyard/core';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a comma-separated list of durations such as `0,5s,5m,30m,2h` into milliseconds (units ms, s, m, h, d; a
 * bare number is seconds). Throws naming the first bad entry.
 */
export function parseDurationList(text: string): number[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new Error('needs at least one duration, such as 30s, 5m or 2h');
  return parts.map((part) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a duration such as 30s, 5m or 2h`);
    return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] as number));
  });
}

/** A duration list variable, parsed into milliseconds once (see {@link parseDurationList}). */
const durationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDurationList(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

/**
 * Every setting Switchyard reads from the environment, parsed once. Nothing else reads `process.env`:
 * the parsed `Env` is passed down as an argument.
 */
export const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Postgres connection string. Unset: `pnpm start` runs an embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Where the embedded database, the generated encryption key and other local state live. */
  DATA_DIR: z.string().default('.switchyard'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The URL clients use to reach this server (for the docs page and the OpenAPI `servers` entry). */
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Requests allowed per API key in each RATE_LIMIT_WINDOW_SECONDS window. */
  RATE_LIMIT_POINTS: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /** Hours an Idempotency-Key is remembered (keys starting with `life-` never expire). */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().default(24),
  /**
   * Key that encrypts secrets at rest (webhook signing secrets, connection credentials): 32 bytes as base64 or
   * 64 hex characters. Required in production; in development one is generated under DATA_DIR.
   */
  ENCRYPTION_KEY: z.string().optional(),
  /** Shutdown: how long requests (server) in flight may take to finish after SIGTERM before they are cut. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(10),
  /** API server: connections in its one database pool (see the README's sizing section). */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /**
   * How long getting a database connection keeps retrying while the database refuses or is unreachable before the
   * caller sees the error. The API server's requests then answer 503 `unavailable`; a worker's job waits instead.
   */
  SERVER_DATABASE_WAIT_SECONDS: z.coerce.number().min(0).default(1),
  /** How long the API waits for a worker to answer a job it awaits (a test ping, a connection test) before a 503. */
  SERVER_WORKER_WAIT_SECONDS: z.coerce.number().positive().default(20),
  WORKER_DATABASE_WAIT_SECONDS: z.coerce.number().min(0).default(30),
  /** Housekeeping: events, deliveries with their attempts, and finished executions older than this are deleted. */
  RETENTION_DAYS: z.coerce.number().positive().default(30),
  /** Worker: jobs run at once per process. */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(10),
  /**
   * Jobs a worker locks and holds at once, handing them to its tasks without a database round trip each (graphile-
   * worker's local queue). 0 or 1: every task fetches its own job. Default: concurrency + 1.
   */
  WORKER_LOCAL_QUEUE_SIZE: z.coerce.number().int().min(0).optional(),
  /** Worker: how often each worker records that it is alive. */
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().positive().default(5),
  /** Worker: a worker silent this long is dead, and the live ones unlock its jobs for others to run. */
  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().positive().default(15),
  /** Outbound HTTP: allow plain http:// targets (off by default: HTTPS only). */
  OUTBOUND_ALLOW_HTTP: bool.default(false),
  /** Outbound HTTP: hosts or IPs (e.g. 127.0.0.1) exempt from the private-address guard. Empty by default. */
  OUTBOUND_ALLOWLIST: csv.default([]),
  /**
   * Webhook delivery: the delay before each attempt, comma-separated (`0` = at once; units ms, s, m, h, d), as
   * milliseconds. Its length is the number of attempts.
   */
  WEBHOOK_RETRY_SCHEDULE: durationList('0,5s,5m,30m,2h,5h,10h,10h'),
  /** Webhook delivery: each retry delay is moved by up to this fraction either way, so retries do not stampede. */
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.1),
  /** Webhook delivery: how long one attempt may take, from connecting to the end of the response. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().default(15),
  /**
   * Webhook delivery: with notify_on_failure, the least time between two notices about one webhook's failed
   * deliveries (ms, s, m, h, d; parsed into milliseconds once); each notice counts what failed since the last.
   */
  WEBHOOK_FAILURE_NOTICE_INTERVAL: durationList('1h')
    .refine((list) => list.length === 1, 'one duration, such as 1h or 30m')
    .transform((list) => list[0] as number),
  /** Webhook delivery: an endpoint failing without a success for this many days is disabled (fractions allowed). */
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().positive().default(5),
  /** System e-mail (failure notices): `smtp://user:pass@host:port` or `smtps://…`; unset: notices are only logged. */
  SMTP_URL: z.string().url().optional(),
  /** The sender of system e-mail. */
  MAIL_FROM: z.string().default('Switchyard <switchyard@localhost>'),
  /** Workflows: attempts of a failing step (1 = no retry) before it fails its execution. */
  WORKFLOW_STEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(3),
  /**
   * Workflows: delay before each retry of a failing step, comma-separated (ms, s, m, h, d), as milliseconds; the
   * last one repeats.
   */
  WORKFLOW_STEP_BACKOFF: durationList('10s,1m,5m'),
  /** Workflows: an event caused by this many chained executions starts nothing more (loop guard). */
  WORKFLOW_MAX_CHAIN_DEPTH: z.coerce.number().int().min(1).default(5),
  /** Workflows: how long one action step may take. */
  WORKFLOW_STEP_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  /**
   * Portal: origins (`https://app.example.com`) whose pages may frame the portal and receive its events: its
   * Content-Security-Policy `frame-ancestors`. Empty: only this server's own pages.
   */
  PORTAL_ALLOWED_ORIGINS: csv
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s;,'"]+$/, 'an origin such as https://app.example.com')))
    .default([]),
  /** Portal: the folder of the built portal (default: packages/portal/dist beside the server). */
  PORTAL_DIR: z.string().optional(),
});
export type Env = z.infer<typeof Env>;

/** Parses an environment (normally `process.env`) into `Env`, with a readable error listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The outbound URL rules the API applies at save, without the network (the worker resolves and checks at each call). */
export function outboundPolicy(env: Pick<Env, 'OUTBOUND_ALLOW_HTTP' | 'OUTBOUND_ALLOWLIST'>): OutboundPolicy {
  return { allowHttp: env.OUTBOUND_ALLOW_HTTP, allowlist: env.OUTBOUND_ALLOWLIST };
}
