import path from 'node:path';
import pg from 'pg';
import { paced, pool, type Receiver } from './harness.ts';
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
    /** Jobs per second from the first add_job to the last POST received. */
    async throughput(n: number, clients: number): Promise<number> {
      receiver.reset();
      const start = performance.now();
      await pool(n, clients, enqueue);
      await receiver.waitFor(n);
      return n / ((performance.now() - start) / 1000);
    },
    /** Latencies (ms) from add_job to receipt at `rate` jobs per second. */
    async latency(n: number, rate: number): Promise<number[]> {
      receiver.reset();
      await paced(n, 1000 / rate, enqueue);
      await receiver.waitFor(n);
      return [...receiver.latencies.values()];
    },
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
