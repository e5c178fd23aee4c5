/** The persistence layer the worker shares with the server: ORM, entities, migrations, transactional enqueue. */
export * from './admin.ts';
export * from './embedded.ts';
export * from './enqueue.ts';
export * from './entities/index.ts';
export * from './migrate.ts';
export * from './orm.ts';
export * from './pool.ts';
export * from './statement.ts';
