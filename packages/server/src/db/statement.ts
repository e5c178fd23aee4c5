import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * One SQL statement, written once as a constant with `$1`, `$2`, … placeholders, named so that each connection
 * parses and plans it once, and typed by its parameters `P` and the rows `R` it returns. Arrays are passed as one
 * parameter (`$1::uuid[]`), never spliced into the text: no statement's text is built at run time.
 *
 * Each domain keeps its statements in one module (`sql.ts` beside the domain's service), as graphile-worker keeps
 * its own in `src/sql/`.
 */
export interface Statement<P extends readonly unknown[], R> {
  readonly name: string;
  readonly text: string;
  /** The same statement as the ORM takes it (`?` placeholders), and which parameter each `?` stands for. */
  readonly orm: { readonly text: string; readonly order: readonly number[] };
  /** Carries the types only; never set. */
  readonly types?: { params: P; row: R };
}

/** Where a statement runs: the plain pool (or one of its clients), or an EntityManager inside its transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'> | EntityManager;

/**
 * Declares a statement. The ORM form is derived here, once, when the module loads. A `?` in the text (the jsonb
 * operators) would be taken for a placeholder by the ORM, so it is refused: use `jsonb_exists` and its kin.
 */
export function statement<P extends readonly unknown[], R = Record<string, never>>(
  name: string,
  text: string,
): Statement<P, R> {
  if (text.includes('?')) throw new Error(`statement ${name}: a "?" in its text would read as a placeholder`);
  const order: number[] = [];
  const ormText = text.replace(/\$(\d+)/g, (_m, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { name, text, orm: { text: ormText, order } };
}

function isEntityManager(on: Queryable): on is EntityManager {
  return (
    typeof (on as EntityManager).execute === 'function' && typeof (on as EntityManager).fork === 'function'
  );
}

/** Runs a statement and returns its rows. */
export async function run<P extends readonly unknown[], R>(
  on: Queryable,
  stmt: Statement<P, R>,
  params: P,
): Promise<R[]> {
  if (isEntityManager(on)) {
    const values = stmt.orm.order.map((i) => params[i]);
    return on.execute<R[]>(stmt.orm.text, values);
  }
  const result = await on.query({ name: stmt.name, text: stmt.text, values: params as unknown[] });
  return result.rows as R[];
}

/** Runs a statement and returns its first row, or `undefined` when it returned none. */
export async function runOne<P extends readonly unknown[], R>(
  on: Queryable,
  stmt: Statement<P, R>,
  params: P,
): Promise<R | undefined> {
  const [row] = await run(on, stmt, params);
  return row;
}
