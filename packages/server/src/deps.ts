import type pg from 'pg';
import type { Logger } from 'pino';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { ActionRegistry } from './actions/provider.ts';
import type { SecretBox } from './crypto/secretBox.ts';
import type { MikroORM } from './db/orm.ts';
import type { Env } from './env.ts';
import type { Mailer } from './mail/mailer.ts';
import type { OutboundClient } from './outbound/client.ts';

/** The long-lived things a server process shares between requests. Built once in `createServerDeps`. */
export interface ServerDeps {
  env: Env;
  orm: MikroORM;
  /** The ORM's own pg pool, shared: the rate limiter, API keys, event ingestion and delivery attempts run named statements on it. */
  pool: pg.Pool;
  logger: Logger;
  rateLimiter: RateLimiterPostgres;
  /** Workflow action providers: built-ins plus any the host registered. */
  actions: ActionRegistry;
  /** Seals secrets at rest (webhook signing secrets, credentials) with the ENCRYPTION_KEY. */
  secretBox: SecretBox;
  /** The SSRF-guarded HTTP client for every call out (deliveries, Webhook nodes, chat and host actions). */
  outbound: OutboundClient;
  /** The system mailer (SMTP_URL) for notices to accounts; null when none is configured. */
  mailer: Mailer | null;
}
