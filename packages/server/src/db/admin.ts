import pg from 'pg';

/** Whether a Postgres server answers at `url` within `timeoutMs`. */
export async function canConnect(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function ident(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unsafe database name: ${name}`);
  return `"${name}"`;
}

/** Runs one statement on the server's maintenance connection (`url` names any database on it). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates database `name` (optionally as a copy of `template`); drops it first if it exists. */
export async function recreateDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  await adminQuery(serverUrl, `drop database if exists ${ident(name)} with (force)`);
  await adminQuery(
    serverUrl,
    `create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`,
  );
  return withDatabase(serverUrl, name);
}

/** Drops database `name` if it exists, disconnecting its sessions. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${ident(name)} with (force)`);
}

/** Creates database `name` unless it exists; returns its connection string. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${ident(name)}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}
