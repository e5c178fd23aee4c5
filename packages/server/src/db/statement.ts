import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely } from 'kysely';
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
  /** Carries the types only; never set. */
  readonly types?: { params: P; row: R };
}

/** Where a statement runs: the plain pool (or one of its clients), or an EntityManager inside its transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'> | EntityManager;

// Every declared statement's name by its text, for the pools that name them (see nameDeclaredStatements).
const declared = new Map<string, string>();

/** Declares a statement. */
export function statement<P extends readonly unknown[], R = Record<string, never>>(
  name: string,
  text: string,
): Statement<P, R> {
  declared.set(text, name);
  return { name, text };
}

type ClientQuery = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes the pool's connections run a declared statement as a named one also when it reaches them as plain text
 * with its values: inside an ORM transaction, where the ORM's driver sends text only. Each connection then parses
 * and plans it once, as on the pool, instead of on every call (a large statement's planning costs milliseconds).
 */
export function nameDeclaredStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as ClientQuery;
    (client as unknown as { query: ClientQuery }).query = (config, values, callback) => {
      if (typeof config === 'string' && Array.isArray(values)) {
        const name = declared.get(config);
        if (name) return query({ name, text: config, values }, callback);
      }
      return query(config, values, callback);
    };
  });
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
    // `em.execute` would write the values into the text (arrays as `(a, b)` lists). The statement goes to the
    // driver as it is, with its parameters, on the transaction's connection when there is one.
    const target = on.getTransactionContext<Kysely<unknown>>() ?? on.getConnection().getClient();
    const result = await target.executeQuery<R>(CompiledQuery.raw(stmt.text, [...params]));
    return result.rows as R[];
  }
  const result = await on.query({ name: stmt.name, text: stmt.text, values: [...params] });
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
