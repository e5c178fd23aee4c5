import { ActionRegistry } from '@switchyard/core';
import { type ActionDefinition, builtInActionDefinitions } from './actions/definitions.ts';
import { createSecretBox, loadEncryptionKey } from './crypto/secretBox.ts';
import { createOrm } from './db/orm.ts';
import { waitOutRefusals } from './db/pool.ts';
import { nameDeclaredStatements } from './db/statement.ts';
import type { ServerDeps } from './deps.ts';
import type { Env } from './env.ts';
import { closeAuthCache } from './http/authCache.ts';
import { createRateLimiter } from './http/rateLimit.ts';
import { AnswerListener } from './jobAnswers/listener.ts';
import type { Logger } from './logger.ts';

/** Options for {@link createServerDeps}; `A`, what a host's actions are (a worker's: its providers). */
export interface ServerDepsOptions<A extends ActionDefinition = ActionDefinition> {
  /** Connections in the process's one pool; default DATABASE_POOL_SIZE. */
  poolSize?: number;
  /** How long a checkout waits out a database that refuses or is unreachable; default SERVER_DATABASE_WAIT_SECONDS. */
  databaseWaitSeconds?: number;
  /** Action definitions a host adds (a worker's providers are definitions too); they replace built-ins of their type. */
  actions?: readonly A[];
}

/**
 * Opens everything a server process shares: the secret box, the ORM and its pool, the rate limiter. The ORM's pool
 * is the process's only one: the per-request statements (rate limit, API keys, event ingestion, delivery attempts)
 * run on it as named prepared statements too, so a process needs `poolSize` connections, not twice that.
 */
export async function createServerDeps(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
  opts: ServerDepsOptions = {},
): Promise<ServerDeps> {
  // The key first: a production start without ENCRYPTION_KEY fails before anything is opened.
  const secretBox = createSecretBox(loadEncryptionKey(env, env.DATA_DIR));
  let shared: ServerDeps['pool'] | undefined;
  const orm = await createOrm({
    databaseUrl: env.DATABASE_URL,
    poolSize: opts.poolSize ?? env.DATABASE_POOL_SIZE,
    onPool: (p) => {
      nameDeclaredStatements(p);
      shared = waitOutRefusals(p, {
        waitMs: (opts.databaseWaitSeconds ?? env.SERVER_DATABASE_WAIT_SECONDS) * 1000,
        logger,
        name: 'main',
      });
    },
  });
  // The ORM builds its client (and so its pool) on first use.
  if (!shared) await orm.em.getConnection().getNativeClient();
  if (!shared) throw new Error('the ORM did not hand over its connection pool');
  const pool = shared;
  const rateLimiter = createRateLimiter(pool, env.RATE_LIMIT_POINTS, env.RATE_LIMIT_WINDOW_SECONDS);
  const actions = new ActionRegistry<ActionDefinition>([
    ...builtInActionDefinitions(),
    ...(opts.actions ?? []),
  ]);
  const answers = new AnswerListener(env.DATABASE_URL, logger);
  return { env, orm, pool, logger, rateLimiter, actions, secretBox, answers };
}

/** Closes what {@link createServerDeps} opened. */
export async function closeServerDeps(deps: ServerDeps): Promise<void> {
  await closeAuthCache(deps.pool);
  // The pool is the ORM's: closing the ORM ends it.
  await deps.answers.close();
  await deps.orm.close();
}
