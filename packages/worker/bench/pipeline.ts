import path from 'node:path';
import { createClient } from '@switchyard/client';
import { closeServerDeps, createAccount, createLogger, createServerDeps, parseEnv } from '@switchyard/server';
import { pool } from '@switchyard/server/bench';
import { paced, type Receiver } from './harness.ts';
import { spawnNode } from './processes.ts';

const BIN = path.resolve(import.meta.dirname, '../src/bin/switchyard.ts');

/**
 * Switchyard as deployed: `switchyard serve` and `switchyard worker` as two processes of their own (as `pnpm start`
 * runs them, and as production does), one account with one webhook subscribed to `deal.updated` that points at the
 * receiver. Events go in through `POST /v1/events`, `/v1/events/batch`, or the SDK's `events.create`.
 */
export async function startPipeline(databaseUrl: string, receiver: Receiver, concurrency: number) {
  const settings = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: String(concurrency),
    RATE_LIMIT_POINTS: '100000000',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const deps = await createServerDeps(parseEnv(settings) as never, createLogger('silent', 'bench'), {
    poolSize: 2,
  });
  const { apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Bench' });
  await closeServerDeps(deps);

  const server = await spawnNode(
    'switchyard serve',
    [BIN, 'serve'],
    settings,
    /"url":"http:\/\/127\.0\.0\.1:\d+"/,
  );
  const worker = await spawnNode('switchyard worker', [BIN, 'worker'], settings, /worker running/);
  const baseUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1] as string;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  // The SDK as a user builds it: its defaults, so every call carries an automatic Idempotency-Key.
  const sdk = createClient({ baseUrl, apiKey });

  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300)
      throw new Error(`POST ${p} → ${res.status} ${text}\n${server.output().slice(-3000)}`);
    return JSON.parse(text) as unknown;
  };
  await post('/v1/webhooks', { url: receiver.url, events: ['deal.updated'], description: 'bench' });

  const event = (seq: number) => ({
    type: 'deal.updated',
    data: { id: `d${seq % 500}`, seq, status: 'open' },
  });
  const single = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await post('/v1/events', event(seq));
  };
  const fromSdk = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await sdk.events.create(event(seq));
  };
  const timed = async (n: number, send: () => Promise<void>) => {
    receiver.reset();
    const start = performance.now();
    await send();
    await receiver.waitFor(n);
    return n / ((performance.now() - start) / 1000);
  };

  return {
    post,
    processes: [server, worker],
    /** Events per second through `POST /v1/events`, from the first call to the last delivery received. */
    throughput: (n: number, clients: number) => timed(n, () => pool(n, clients, single)),
    /** The same through the SDK (`events.create` over tRPC, an Idempotency-Key on every call). */
    sdkThroughput: (n: number, clients: number) => timed(n, () => pool(n, clients, fromSdk)),
    /** The same through `POST /v1/events/batch`, `batchSize` events a call. */
    batchThroughput: (n: number, batchSize: number, clients: number) =>
      timed(n, () =>
        pool(Math.ceil(n / batchSize), clients, async (b) => {
          const seqs = Array.from(
            { length: Math.min(batchSize, n - b * batchSize) },
            (_, i) => b * batchSize + i,
          );
          const t0 = performance.now();
          for (const s of seqs) receiver.sentAt.set(s, t0);
          await post('/v1/events/batch', { events: seqs.map(event) });
        }),
      ),
    /** Latencies (ms) from the API call to receipt at `rate` events per second. */
    async latency(n: number, rate: number): Promise<number[]> {
      receiver.reset();
      await paced(n, 1000 / rate, single);
      await receiver.waitFor(n);
      return [...receiver.latencies.values()];
    },
    async stop() {
      await worker.stop();
      await server.stop();
    },
  };
}
export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;
