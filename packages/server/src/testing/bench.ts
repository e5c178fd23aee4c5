import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canConnect, dropDatabase, migrate, recreateDatabase } from '../db/index.ts';

// What the benchmarks of the server and the worker share (`@switchyard/server/bench`, no test runner loaded): the
// Postgres they run on, their databases, running calls at a given concurrency, and the statistics they report.

/** Starts an embedded PostgreSQL in `dataDir` (the worker package's, which `switchyard start` runs). */
export type EmbeddedStarter = (
  dataDir: string,
  opts: { persistent: boolean },
) => Promise<{ url: string; stop(): Promise<void> }>;

/**
 * A Postgres server for the benchmarks: DATABASE_URL's, else the local one, else an embedded one started with
 * `startEmbedded` (given by the caller: the embedded server belongs to the worker package, which depends on this one).
 */
export async function benchPostgres(
  startEmbedded: EmbeddedStarter,
): Promise<{ serverUrl: string; stop(): Promise<void> }> {
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (process.env.DATABASE_URL) return { serverUrl: process.env.DATABASE_URL, stop: async () => {} };
  if (await canConnect(local)) return { serverUrl: local, stop: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-'));
  const db = await startEmbedded(path.join(dir, 'data'), { persistent: false });
  return { serverUrl: db.url, stop: db.stop };
}

/**
 * A fresh, migrated database on the bench server, named for this run (`sy_bench_<pid>_<role>`): the server may be
 * shared, and another bench running at the same time must not drop ours. Returns its name and connection string.
 */
export async function freshDatabase(serverUrl: string, role: string): Promise<{ name: string; url: string }> {
  const name = `sy_bench_${process.pid}_${role}`;
  const url = await recreateDatabase(serverUrl, name);
  created.add(name);
  await migrate(url);
  return { name, url };
}
const created = new Set<string>();

/** Drops the databases this run created. */
export async function dropBenchDatabases(serverUrl: string): Promise<void> {
  for (const name of created) await dropDatabase(serverUrl, name);
  created.clear();
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** The `p`th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The median of `values` (the lower one of an even count). */
export function median(values: number[]): number {
  return percentile(values, 50);
}
