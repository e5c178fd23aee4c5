import path from 'node:path';
import pg from 'pg';
import { meters, type Receiver } from './harness.ts';
import { spawnNode } from './processes.ts';

/**
 * The yardstick: raw graphile-worker on the same Postgres, one `add_job` per transaction from this process (through
 * a pool the size of our API server's) and a worker process at our worker's concurrency making one plain HTTP POST
 * per job. Everything Switchyard adds (the API call, auth, storing the event and its deliveries, signing, logging
 * the attempt) is measured against this.
 */
export async function startBaseline(databaseUrl: string, receiver: Receiver, concurrency: number) {
  const runner = await spawnNode(
    'graphile-worker runner',
    [path.join(import.meta.dirname, 'runners', 'graphileWorker.ts')],
    { DATABASE_URL: databaseUrl, RECEIVER_URL: receiver.url, CONCURRENCY: String(concurrency) },
    /runner ready/,
  );
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  pgPool.on('error', () => {});
  const enqueue = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await pgPool.query(`select graphile_worker.add_job('bench_post', $1::json)`, [JSON.stringify({ seq })]);
  };
  return {
    processes: [runner],
    // Sent with add_job.
    ...meters(receiver, enqueue),
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
