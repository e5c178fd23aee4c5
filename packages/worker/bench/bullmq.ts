import { createConnection } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { meters, type Receiver } from './harness.ts';
import { spawnNode } from './processes.ts';

/** Null when Redis on 127.0.0.1:`port` answers PING within `timeoutMs`, else why not (the reason for the skip). */
export function redisUnavailable(port: number, timeoutMs = 1000): Promise<string | null> {
  const REDIS = { host: '127.0.0.1', port };
  return new Promise((resolve) => {
    const socket = createConnection(REDIS);
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () =>
      done(`Redis at ${REDIS.host}:${REDIS.port} did not answer in ${timeoutMs} ms`),
    );
    socket.once('error', (err) => done(`Redis at ${REDIS.host}:${REDIS.port}: ${err.message}`));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) =>
      done(
        d.toString().startsWith('+PONG') ? null : `Redis answered PING with ${JSON.stringify(d.toString())}`,
      ),
    );
  });
}

/**
 * The second baseline, what users pick instead: BullMQ on the machine's Redis (127.0.0.1:6379 unless BENCH_REDIS_PORT says otherwise), one `queue.add` per job from this
 * process and a worker process (concurrency as ours) making one plain POST per job. Completed jobs are removed, as
 * graphile-worker deletes its own. The queue has a name of its own and is obliterated at the end.
 */
export async function startBullmq(receiver: Receiver, concurrency: number, port: number) {
  const REDIS = { host: '127.0.0.1', port };
  const name = `switchyard-bench-${process.pid}`;
  const queue = new Queue(name, { connection: { ...REDIS } });
  const worker = await spawnNode(
    'bullmq worker',
    [path.join(import.meta.dirname, 'runners', 'bullmq.ts')],
    {
      QUEUE: name,
      REDIS_HOST: REDIS.host,
      REDIS_PORT: String(REDIS.port),
      RECEIVER_URL: receiver.url,
      CONCURRENCY: String(concurrency),
    },
    /runner ready/,
  );
  // For INFO only: Redis's own CPU and command count, the counterpart of the PostgreSQL figures.
  const info = new Redis({ ...REDIS, maxRetriesPerRequest: 1 });
  const enqueue = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await queue.add('post', { seq }, { removeOnComplete: true, removeOnFail: 1000 });
  };
  const field = (text: string, key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(text)?.[1]);
  return {
    processes: [worker],
    // Sent with `queue.add`.
    ...meters(receiver, enqueue),
    /** Redis's pid (for its memory), CPU used so far (ms) and commands processed so far. */
    async redisStats(): Promise<{ pid: number; cpuMs: number; commands: number }> {
      const text = await info.info();
      return {
        pid: field(text, 'process_id'),
        cpuMs: (field(text, 'used_cpu_user') + field(text, 'used_cpu_sys')) * 1000,
        commands: field(text, 'total_commands_processed'),
      };
    },
    async stop() {
      await worker.stop();
      await queue.obliterate({ force: true });
      await queue.close();
      info.disconnect();
    },
  };
}
export type BullmqStack = Awaited<ReturnType<typeof startBullmq>>;
