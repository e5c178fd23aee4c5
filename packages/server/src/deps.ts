import type pg from 'pg';
import type { Logger } from 'pino';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { ActionDefinitions } from './actions/definitions.ts';
import type { SecretBox } from './crypto/secretBox.ts';
import type { MikroORM } from './db/orm.ts';
import type { Env } from './env.ts';
import type { AnswerListener } from './jobAnswers/listener.ts';

/** The long-lived things a server process shares between requests. Built once in `createServerDeps`. */
export interface ServerDeps {
  env: Env;
  orm: MikroORM;
  /** The ORM's own pg pool, shared: the rate limiter, API keys, event ingestion and delivery attempts run named statements on it. */
  pool: pg.Pool;
  logger: Logger;
  rateLimiter: RateLimiterPostgres;
  /** Workflow action definitions (settings schemas and save-time checks): built-ins plus any the host registered. */
  actions: ActionDefinitions;
  /** Seals secrets at rest (webhook signing secrets, credentials) with the ENCRYPTION_KEY. */
  secretBox: SecretBox;
  /** The one LISTEN connection on which the jobs the API awaits (test pings, connection tests) are answered. */
  answers: AnswerListener;
}
