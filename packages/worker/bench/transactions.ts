import type { PostgresMonitor } from './resources.ts';
import type { RowKey } from './summary.ts';

// A backend reports its transaction counts to pg_stat_database when it goes idle, but at most once a second; what
// it ran after its last report waits up to PGSTAT_IDLE_INTERVAL (10 s) for an idle timeout. A count read 11 s after a
// row's last event holds all of that row's transactions.
const SETTLE_MS = 11_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TxRow {
  key: RowKey;
  db: string;
  run: ((n: number) => Promise<number>) | undefined;
}

/**
 * PostgreSQL transactions per event of each row: xact_commit + xact_rollback of the row's database before and after
 * `n` events, read once the counts have settled, less what the idle stack commits on its own over the same time
 * (graphile-worker's polls, heartbeats), measured first over one settle period. Rows of one group run back to back
 * and must use different databases; groups are separated by a settle period. Run once, after the timed rounds, since
 * the waits would distort those.
 */
export async function countTransactions(
  monitor: PostgresMonitor,
  groups: TxRow[][],
  n: number,
  progress: (m: string) => void,
  settleMs = SETTLE_MS,
): Promise<Map<RowKey, number>> {
  const dbs = [...new Set(groups.flat().map((r) => r.db))];
  const read = async () => {
    const counts = new Map<string, number>();
    for (const db of dbs) counts.set(db, await monitor.transactions(db));
    return { counts, at: performance.now() };
  };
  progress(`transaction count: settling (${(2 * settleMs) / 1000} s), then ${n} events per row`);
  await sleep(settleMs);
  const idleFrom = await read();
  await sleep(settleMs);
  let last = await read();
  const idlePerMs = new Map(
    dbs.map((db) => [
      db,
      ((last.counts.get(db) ?? 0) - (idleFrom.counts.get(db) ?? 0)) / (last.at - idleFrom.at),
    ]),
  );
  const result = new Map<RowKey, number>();
  for (const group of groups) {
    const rows = group.filter((r) => r.run);
    if (rows.length === 0) continue;
    if (new Set(rows.map((r) => r.db)).size !== rows.length) {
      throw new Error('rows counted together must use different databases');
    }
    progress(`transaction count: ${rows.map((r) => r.key).join(', ')}`);
    for (const row of rows) await row.run?.(n);
    await sleep(settleMs);
    const now = await read();
    for (const row of rows) {
      const counted = (now.counts.get(row.db) ?? 0) - (last.counts.get(row.db) ?? 0);
      const idle = (idlePerMs.get(row.db) ?? 0) * (now.at - last.at);
      result.set(row.key, Math.max(0, counted - idle) / n);
    }
    last = now;
  }
  return result;
}
