import path from 'node:path';
import type { Env } from '@switchyard/server';
import { ensureDatabase, startEmbeddedPostgres } from '@switchyard/server/db';
import type { Logger } from 'pino';

/** The database a command runs against, and how to let go of it. */
export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_DB = 'switchyard';

/**
 * `DATABASE_URL` when set; otherwise an embedded PostgreSQL kept under `DATA_DIR/postgres` (created on first use),
 * with a `switchyard` database in it.
 */
export async function resolveDatabase(env: Env, logger: Logger): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const dir = path.resolve(env.DATA_DIR, 'postgres');
  logger.info({ dir }, 'DATABASE_URL is unset: starting the embedded PostgreSQL');
  const db = await startEmbeddedPostgres(dir, { persistent: true });
  const url = await ensureDatabase(db.url, EMBEDDED_DB);
  return { url, embedded: true, stop: db.stop };
}
