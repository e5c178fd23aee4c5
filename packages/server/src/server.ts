import pg from 'pg';
import { builtInActions } from './actions/builtins.ts';
import { type ActionProvider, ActionRegistry } from './actions/provider.ts';
import { createSecretBox, loadEncryptionKey } from './crypto/secretBox.ts';
import { createOrm } from './db/orm.ts';
import type { ServerDeps } from './deps.ts';
import type { Env } from './env.ts';
import { createRateLimiter } from './http/rateLimit.ts';
import type { Logger } from './logger.ts';
import { createSystemMailer } from './mail/mailer.ts';
import { createOutbound } from './outbound/client.ts';

/** Opens everything a server process shares: the secret box, the ORM, a pg pool and the rate limiter. */
export async function createServerDeps(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
  opts: { poolSize?: number; actions?: readonly ActionProvider<never>[] } = {},
): Promise<ServerDeps> {
  // The key first: a production start without ENCRYPTION_KEY fails before anything is opened.
  const secretBox = createSecretBox(loadEncryptionKey(env, env.DATA_DIR));
  const orm = await createOrm({ databaseUrl: env.DATABASE_URL, poolSize: opts.poolSize });
  // The plain pool runs the per-request statements (rate limit, event ingestion) as named prepared statements.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: opts.poolSize ?? 10 });
  pool.on('error', (err) => logger.warn({ err }, 'idle pg client error'));
  const rateLimiter = createRateLimiter(pool, env.RATE_LIMIT_POINTS, env.RATE_LIMIT_WINDOW_SECONDS);
  const actions = new ActionRegistry([...builtInActions(), ...(opts.actions ?? [])]);
  const outbound = createOutbound(env);
  const mailer = createSystemMailer(env);
  return { env, orm, pool, logger, rateLimiter, actions, secretBox, outbound, mailer };
}

/** Closes what {@link createServerDeps} opened. */
export async function closeServerDeps(deps: ServerDeps): Promise<void> {
  await deps.orm.close();
  await deps.pool.end();
  await deps.outbound.close();
  deps.mailer?.close();
}
