import { Logger, runMigrations } from 'graphile-worker';
import { createOrm } from './orm.ts';

/** graphile-worker logs through this; its migrations have nothing worth printing. */
const silentLogger = new Logger(() => () => {});

/**
 * Brings a database up to date: our tables through MikroORM's migrator, then graphile-worker's own schema.
 * Safe to run on every start and from several processes (both migrators take a lock).
 */
export async function migrate(databaseUrl: string): Promise<{ applied: string[] }> {
  const orm = await createOrm({ databaseUrl, poolSize: 2 });
  try {
    const done = await orm.migrator.up();
    await runMigrations({ connectionString: databaseUrl, logger: silentLogger });
    return { applied: done.map((m) => m.name) };
  } finally {
    await orm.close();
  }
}
