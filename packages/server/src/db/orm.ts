import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { entities } from './entities/index.ts';
import { migrationsList } from './migrations/index.ts';

export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM };

/** Options for {@link createOrm}. */
export interface OrmOptions {
  databaseUrl: string;
  /** Connections in the ORM's pool. */
  poolSize?: number;
  debug?: boolean;
  /** Called with the pg pool the ORM creates, before any connection is made: to share it and tune it. */
  onPool?: (pool: pg.Pool) => void;
}

/** Opens the ORM on `databaseUrl`. The caller closes it with `orm.close()`. */
export async function createOrm(opts: OrmOptions): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: opts.databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: opts.poolSize ?? 10 },
    // Merged into the pool's options; the ORM hands the pool it built to this hook.
    driverOptions: opts.onPool ? { onPoolCreated: opts.onPool } : {},
    debug: opts.debug ?? false,
    // Entities are defined with defineEntity: no reflection or decorators to discover.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
  });
}
