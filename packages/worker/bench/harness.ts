import http from 'node:http';
import { pool } from '@switchyard/server/bench';

/**
 * A webhook receiver on 127.0.0.1 that answers 204 and records, for each request whose body carries `"seq":<n>`,
 * how long after `sentAt[n]` it arrived.
 */
export async function startReceiver() {
  const sentAt = new Map<number, number>();
  const latencies = new Map<number, number>();
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const m = /"seq"\s*:\s*(\d+)/.exec(Buffer.concat(chunks).toString());
      if (m) {
        const seq = Number(m[1]);
        const t0 = sentAt.get(seq);
        if (t0 !== undefined && !latencies.has(seq)) latencies.set(seq, now - t0);
      }
      res.statusCode = 204;
      res.end();
      const done = waiters.filter((w) => latencies.size >= w.n);
      waiters = waiters.filter((w) => latencies.size < w.n);
      for (const w of done) w.resolve();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    sentAt,
    latencies,
    reset() {
      sentAt.clear();
      latencies.clear();
    },
    /** Resolves once `n` distinct sequence numbers have arrived. */
    waitFor(n: number, timeoutMs = 120_000): Promise<void> {
      if (latencies.size >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${latencies.size}/${n} arrived`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Calls `fn(i)` every `intervalMs` (open loop: does not wait for the previous call), `n` times. */
export async function paced(n: number, intervalMs: number, fn: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    calls.push(fn(i));
  }
  await Promise.all(calls);
}

/**
 * The two measures of a stack that ends each job with a POST to `receiver`, sent through `send(seq)`: jobs per
 * second from the first send to the last POST received, and each job's latency (ms) from its send to its receipt
 * at `rate` jobs per second.
 */
export function meters(receiver: Receiver, send: (seq: number) => Promise<void>) {
  return {
    async throughput(n: number, clients: number): Promise<number> {
      receiver.reset();
      const start = performance.now();
      await pool(n, clients, send);
      await receiver.waitFor(n);
      return n / ((performance.now() - start) / 1000);
    },
    async latency(n: number, rate: number): Promise<number[]> {
      receiver.reset();
      await paced(n, 1000 / rate, send);
      await receiver.waitFor(n);
      return [...receiver.latencies.values()];
    },
  };
}
