import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { createOrm, type MikroORM } from './orm.ts';
import { run, runOne, statement } from './statement.ts';

const pick = statement<[ids: string[], min: number], { id: string; n: number }>(
  'test_pick',
  `select x.id, $2::int + 1 as n from unnest($1::text[]) as x(id) where x.id <> '' order by x.id`,
);

describe('statements', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await createOrm({ databaseUrl: db.url });
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await orm?.close();
    await db?.drop();
  });

  it('runs the same statement, arrays as one parameter, on the pool and inside a transaction', async () => {
    const onPool = await run(pool, pick, [['b', 'a', ''], 1]);
    expect(onPool).toEqual([
      { id: 'a', n: 2 },
      { id: 'b', n: 2 },
    ]);
    const inTx = await orm.em.fork().transactional((em) => runOne(em, pick, [["it's", 'z'], 41]));
    expect(inTx).toEqual({ id: "it's", n: 42 });
  });
});
