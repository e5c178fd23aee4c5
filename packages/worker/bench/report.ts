import { isSkipped, LATENCY, ROWS, type RowKey, type WorkerSummary } from './summary.ts';

export const LABELS: Record<RowKey, string> = {
  graphileWorker: 'baseline: raw graphile-worker `add_job` + one POST',
  bullmq: 'baseline: BullMQ `queue.add` + one POST',
  single: '`POST /v1/events`, single',
  sdk: 'SDK `events.create` (tRPC, an `Idempotency-Key` each)',
  batch: '`POST /v1/events/batch` (100/call)',
  executions: 'workflow executions, Start → Webhook, one event each',
};
const LATENCY_LABELS = {
  graphileWorker: 'raw graphile-worker',
  bullmq: 'BullMQ',
  single: '`POST /v1/events`',
};

/** A number as a reader wants it: 3 significant figures at most, thousands separated. */
export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(Math.max(digits, 2));
}

function table(head: string[], align: string[], body: string[][]): void {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`| ${align.join(' | ')} |`);
  for (const r of body) console.log(`| ${r.join(' | ')} |`);
  console.log('');
}

/** The worker bench's own tables: every row's rounds, the latency runs, costs per event, memory. */
export function printWorkerSummary(w: WorkerSummary): void {
  const s = w.settings;
  const rate = (k: RowKey) => {
    const t = w.throughput[k];
    return isSkipped(t) ? null : t.median;
  };
  const ratio = (k: RowKey, base: RowKey) => {
    const a = rate(k);
    const b = rate(base);
    return a === null || b === null ? '–' : `${(a / b).toFixed(2)}×`;
  };
  console.log(
    `\nthroughput: ${s.events} events per row × ${s.rounds} interleaved rounds, ${s.clients} callers, worker concurrency ${s.concurrency}; PostgreSQL ${w.postgres}\n`,
  );
  table(
    ['row', 'median /s', '× graphile-worker', '× BullMQ', 'rounds /s'],
    ['---', '---:', '---:', '---:', '---'],
    ROWS.map((k) => {
      const t = w.throughput[k];
      if (isSkipped(t)) return [LABELS[k], 'skipped', '', '', t.skipped];
      return [
        LABELS[k],
        fmt(t.median),
        ratio(k, 'graphileWorker'),
        ratio(k, 'bullmq'),
        t.rounds.map((x) => fmt(x)).join(', '),
      ];
    }),
  );
  console.log(
    `latency from the call to the receiver at ${s.rate} events/s: ${s.latencyRuns} runs of ${s.rate * s.latencySeconds} events per stack, interleaved\n`,
  );
  table(
    ['stack', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'p99 of each run, ms'],
    ['---', '---:', '---:', '---:', '---:', '---'],
    LATENCY.map((k) => {
      const l = w.latency[k];
      if (isSkipped(l)) return [LATENCY_LABELS[k], 'skipped', '', '', '', l.skipped];
      return [
        LATENCY_LABELS[k],
        fmt(l.p50),
        fmt(l.p99),
        fmt(l.p999),
        fmt(l.max),
        l.runP99.map((x) => fmt(x)).join(', '),
      ];
    }),
  );
  console.log(
    `cost per event: transactions from pg_stat_database (${s.txEvents} events per row, counted after the rounds); CPU from /proc, medians over the rounds; the callers' CPU is this process's (callers and receiver)\n`,
  );
  table(
    [
      'row',
      'PostgreSQL transactions',
      'PostgreSQL CPU ms',
      'process CPU ms',
      'processes counted',
      'callers’ CPU ms',
    ],
    ['---', '---:', '---:', '---:', '---', '---:'],
    ROWS.filter((k) => w.costs[k]).map((k) => {
      const c = w.costs[k]!;
      if (k === 'bullmq') {
        return [
          LABELS[k],
          `(${fmt(c.redisCommands)} Redis commands)`,
          `(Redis: ${fmt(c.redisCpuMs, 2)})`,
          fmt(c.processCpuMs, 2),
          c.processes,
          fmt(c.callerCpuMs, 2),
        ];
      }
      return [
        LABELS[k],
        fmt(c.transactions, 2),
        fmt(c.postgresCpuMs, 2),
        fmt(c.processCpuMs, 2),
        c.processes,
        fmt(c.callerCpuMs, 2),
      ];
    }),
  );
  console.log('memory at steady state (sampled once a second during the rounds)\n');
  table(
    ['process', 'RSS median MB', 'peak MB'],
    ['---', '---:', '---:'],
    w.memory.map((m) => [m.process, fmt(m.medianMb), fmt(m.peakMb)]),
  );
  console.log(
    `load average (1, 5, 15 min) at the start ${w.loadavg.start.map((x) => x.toFixed(1)).join(', ')}, at the end ${w.loadavg.end.map((x) => x.toFixed(1)).join(', ')}`,
  );
}
