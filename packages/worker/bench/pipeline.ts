import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import {
  createAccount,
  createLogger,
  createServerDeps,
  type Env,
  listen,
  parseEnv,
} from '@switchyard/server';
import { startWorker } from '@switchyard/worker';
import { paced, pool, type Receiver } from './harness.ts';

const BIN = path.resolve(import.meta.dirname, '../src/bin/switchyard.ts');

/** `switchyard worker` as its own process, as `pnpm start` runs it; resolves once it takes jobs. */
async function startWorkerProcess(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    // The IPC channel closes if this process dies: the worker then stops itself instead of living on.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('worker running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it ran`)));
  });
  return {
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The real pipeline: the API server in this process, a worker (in this process too, or with `workerProcess` in its
 * own, as `pnpm start` runs it), one account with one webhook subscribed to `deal.updated` that points at the
 * receiver. Events go in through `POST /v1/events` or `/v1/events/batch`.
 */
export async function startPipeline(
  databaseUrl: string,
  receiver: Receiver,
  concurrency: number,
  opts: { workerProcess?: boolean } = {},
) {
  const settings = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: String(concurrency),
    RATE_LIMIT_POINTS: '100000000',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const env = parseEnv(settings) as Env & { DATABASE_URL: string };
  const logger = createLogger(process.env.BENCH_LOG ?? 'silent', 'bench');
  const deps = await createServerDeps(env, logger, { poolSize: 10 });
  const { apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Bench' });
  const server = await listen(deps, '127.0.0.1', 0);
  const worker = opts.workerProcess ? await startWorkerProcess(settings) : await startWorker({ env, logger });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...headers, ...extra },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`POST ${path} → ${res.status} ${text}`);
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
  // As the SDK sends it: every mutation carries an Idempotency-Key of its own.
  const fromSdk = async (seq: number) => {
    receiver.sentAt.set(seq, performance.now());
    await post('/v1/events', event(seq), { 'idempotency-key': `auto-${crypto.randomUUID()}` });
  };

  return {
    post,
    /**
     * Events per second through `POST /v1/events`, from the first call to the last delivery received; with
     * `idempotencyKey`, each call carries its own key, as the SDK's do.
     */
    async throughput(
      n: number,
      clientConcurrency: number,
      opts: { idempotencyKey?: boolean } = {},
    ): Promise<number> {
      receiver.reset();
      const start = performance.now();
      await pool(n, clientConcurrency, opts.idempotencyKey ? fromSdk : single);
      await receiver.waitFor(n);
      return n / ((performance.now() - start) / 1000);
    },
    /** The same through `POST /v1/events/batch`, `batchSize` events a call. */
    async batchThroughput(n: number, batchSize: number, clientConcurrency: number): Promise<number> {
      receiver.reset();
      const start = performance.now();
      await pool(Math.ceil(n / batchSize), clientConcurrency, async (b) => {
        const seqs = Array.from(
          { length: Math.min(batchSize, n - b * batchSize) },
          (_, i) => b * batchSize + i,
        );
        const t0 = performance.now();
        for (const s of seqs) receiver.sentAt.set(s, t0);
        await post('/v1/events/batch', { events: seqs.map(event) });
      });
      await receiver.waitFor(n);
      return n / ((performance.now() - start) / 1000);
    },
    /** Latencies (ms) from the API call to receipt at `rate` events per second. */
    async latency(n: number, rate: number): Promise<number[]> {
      receiver.reset();
      await paced(n, 1000 / rate, single);
      await receiver.waitFor(n);
      return [...receiver.latencies.values()];
    },
    async stop() {
      await worker.stop();
      await server.close();
      const { closeServerDeps } = await import('@switchyard/server');
      await closeServerDeps(deps);
    },
  };
}
