// The worker bench's knobs, read once: command-line flags first, then BENCH_* environment variables, then defaults
// sized so that the whole `pnpm bench` stays near 10 minutes on a 2-core machine. For a quick look:
// `BENCH_ROUNDS=1 BENCH_EVENTS=200 BENCH_LATENCY_RUNS=1 BENCH_SCALE_OUT_EVENTS=0 pnpm bench worker`; one row alone:
// `BENCH_ROWS=executions` (a comma-separated list of row keys, see summary.ts).
import { parseArgs } from 'node:util';
import { ROWS } from './summary.ts';

const FLAGS = {
  rounds: ['BENCH_ROUNDS', 3],
  events: ['BENCH_EVENTS', 1000],
  concurrency: ['BENCH_CONCURRENCY', 10],
  rate: ['BENCH_RATE', 100],
  'latency-runs': ['BENCH_LATENCY_RUNS', 5],
  'latency-seconds': ['BENCH_LATENCY_SECONDS', 5],
  'tx-events': ['BENCH_TX_EVENTS', 500],
  'scale-out-events': ['BENCH_SCALE_OUT_EVENTS', 5000],
  'redis-port': ['BENCH_REDIS_PORT', 6379],
} as const;
type Flag = keyof typeof FLAGS;

export interface BenchSettings {
  /** Interleaved rounds of every throughput row (medians are reported). */
  rounds: number;
  /** Events per throughput row and round. */
  events: number;
  /** Jobs each stack's worker runs at once. */
  concurrency: number;
  /** Events per second of the latency runs. */
  rate: number;
  /** Latency runs per stack (interleaved); percentiles are over all of them together. */
  latencyRuns: number;
  latencySeconds: number;
  /** Events per row of the transaction count (run once, after the rounds). */
  txEvents: number;
  /** Events of the scale-out scenario; 0 skips it. */
  scaleOutEvents: number;
  /** Port of the Redis on 127.0.0.1 that BullMQ uses (only loopback is ever contacted). */
  redisPort: number;
  /** Concurrent callers of the throughput rows. */
  clients: number;
  /** The throughput rows to run (`--rows single,executions` / BENCH_ROWS); every row when empty. */
  rows: string[];
}

export function readSettings(argv = process.argv.slice(2), env = process.env): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...(Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' }])) as Record<
        Flag,
        { type: 'string' }
      >),
      rows: { type: 'string' },
    },
  });
  const read = (flag: Flag): number => {
    const [name, fallback] = FLAGS[flag];
    const raw = (values as Record<string, string | undefined>)[flag] ?? env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${flag} / ${name} must be a whole number, got ${raw}`);
    return n;
  };
  const s = {
    rounds: read('rounds'),
    events: read('events'),
    concurrency: read('concurrency'),
    rate: read('rate'),
    latencyRuns: read('latency-runs'),
    latencySeconds: read('latency-seconds'),
    txEvents: read('tx-events'),
    scaleOutEvents: read('scale-out-events'),
    redisPort: read('redis-port'),
    clients: 32,
    rows: (values.rows ?? env.BENCH_ROWS ?? '').split(',').filter(Boolean),
  };
  const unknown = s.rows.filter((r) => !(ROWS as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new Error(`--rows / BENCH_ROWS: no row ${unknown.join(', ')} (rows: ${ROWS.join(', ')})`);
  for (const k of ['rounds', 'events', 'concurrency', 'rate'] as const) {
    if (s[k] < 1) throw new Error(`${k} must be at least 1`);
  }
  return s;
}
