import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { createOrm, type MikroORM } from './orm.ts';
import { nameDeclaredStatements, run, runOne, statement } from './statement.ts';

const double = statement<[n: number], { n: number }>('test_named_double', 'select $1::int * 2 as n');
const prepared = statement<[name: string], { n: number }>(
  'test_named_prepared',
  'select count(*)::int as n from pg_prepared_statements where name = $1',
);

describe('declared statements inside an ORM transaction', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url, poolSize: 1, onPool: nameDeclaredStatements });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('are prepared once on the connection, as on the pool, and give the same rows', async () => {
    const rows = await orm.em.fork().transactional(async (em) => {
      const a = await runOne(em, double, [21]);
      const b = await run(em, double, [4]);
      return { a, b, prepared: await runOne(em, prepared, ['test_named_double']) };
    });
    expect(rows).toEqual({ a: { n: 42 }, b: [{ n: 8 }], prepared: { n: 1 } });
  });
});
