import { run } from 'graphile-worker';
import pg from 'pg';
import { paced, pool, type Receiver } from './harness.ts';

/**
 * The yardstick: raw graphile-worker on the same Postgres, one `add_job` per transaction and one plain HTTP POST per
 * job, at the same concurrency as our worker. Everything Switchyard adds (the API call, auth, storing the event and
 * its deliveries, signing, logging the attempt) is measured against this.
 */
export async function startBaseline(databaseUrl: string, receiver: Receiver, concurrency: number) {
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 8 });
  pgPool.on('error', () => {});
  pgPool.on('connect', (client) => client.on('error', () => {}));
  const runner = await run({
    pgPool,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    parsedCronItems: [],
    logger: new (await import('graphile-worker')).Logger(() => () => {}),
    taskList: {
      bench_post: async (payload) => {
        const res = await fetch(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`receiver answered ${res.status}`);
      },
    },
  });
  const enqueue = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await pgPool.query(`select graphile_worker.add_job('bench_post', $1::json)`, [JSON.stringify({ seq })]);
  };
  return {
    /** Jobs per second from the first add_job to the last POST received. */
    async throughput(n: number, clientConcurrency: number): Promise<number> {
      receiver.reset();
      const start = performance.now();
      await pool(n, clientConcurrency, enqueue);
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
