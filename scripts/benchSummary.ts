// The one table of issue 18, from what each package's bench wrote (core.json, server.json, worker.json): every
// figure against both baselines and its goal, met or missed. A part that did not run shows as such.
import type { ServerSummary } from '../packages/server/bench/index.ts';
import { fmt } from '../packages/worker/bench/report.ts';
import {
  isSkipped,
  type Latency,
  type RowKey,
  type WorkerSummary,
} from '../packages/worker/bench/summary.ts';

/** What packages/core/bench/index.ts writes (core's bench has no type-checked project of its own to export from). */
export interface CoreSummary {
  /** Median ms to validate the 500-node template, and the hand-written graph checks alone. */
  dagMs: number;
  dagHandWrittenMs: number | null;
}

export interface Parts {
  core?: CoreSummary;
  server?: ServerSummary;
  worker?: WorkerSummary;
}

type Cells = [
  figure: string,
  measured: string,
  vsGraphile: string,
  vsBullmq: string,
  goal: string,
  result: string,
];

const met = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : '**missed**');
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${fmt(x)} ms`);
const mb = (x: number | undefined) => (x === undefined ? '–' : `${fmt(x)} MB`);

function workerRows(w: WorkerSummary | undefined): Cells[] {
  const notRun = (figure: string, goal: string): Cells => [
    figure,
    'not run (`pnpm bench worker`)',
    '',
    '',
    goal,
    '',
  ];
  const rate = (k: RowKey) => (w && !isSkipped(w.throughput[k]) ? w.throughput[k].median : null);
  const times = (a: number | null, b: number | null) =>
    a === null || b === null ? '–' : `${(a / b).toFixed(2)}×`;
  const gw = rate('graphileWorker');
  const bull = rate('bullmq');
  const bullSkip = w ? isSkipped(w.throughput.bullmq) : false;
  const vsBull = (x: number | null) => (bullSkip ? 'skipped' : times(x, bull));
  const throughputRow = (
    k: RowKey,
    figure: string,
    goal: string,
    ok: (r: number) => boolean | null,
  ): Cells => {
    const r = rate(k);
    if (!w) return notRun(figure, goal);
    return [
      figure,
      r === null ? '–' : `${fmt(r)}/s`,
      times(r, gw),
      vsBull(r),
      goal,
      r === null || gw === null ? '' : met(ok(r / gw)),
    ];
  };
  const lat = (k: 'graphileWorker' | 'bullmq' | 'single') => {
    const l = w?.latency[k];
    if (!l) return '–';
    if (isSkipped(l)) return 'skipped';
    return `${fmt(l.p50)} / ${fmt(l.p99)} / ${fmt(l.p999)} ms`;
  };
  const ours = w && !isSkipped(w.latency.single) ? (w.latency.single as Latency) : null;
  const cost = (k: RowKey) => w?.costs[k];
  const rss = (name: string) => w?.memory.find((m) => m.process === name)?.medianMb;
  const single = rate('single');
  const execs = rate('executions');
  const goals = {
    single: '≥ 0.70× graphile-worker',
    batch: '> 1.0× graphile-worker (stretch: ≥ 1.0× BullMQ)',
    latency: 'p50 < 10 ms, p99 < 50 ms',
    executions: '≥ 0.80× single-event deliveries',
    tx: '≤ 3',
  };
  if (!w) {
    return [
      notRun('events/s: baselines, `POST /v1/events` single, SDK, batch', goals.single),
      notRun('latency call → receiver', goals.latency),
      notRun('workflow executions, Start → Webhook', goals.executions),
      notRun('transactions per event', goals.tx),
    ];
  }
  const tx = cost('single')?.transactions ?? null;
  const bullCost = cost('bullmq');
  return [
    throughputRow('graphileWorker', 'baseline: raw graphile-worker `add_job` + one POST', '—', () => null),
    [
      'baseline: BullMQ `queue.add` + one POST',
      bull === null ? 'skipped' : `${fmt(bull)}/s`,
      times(bull, gw),
      bull === null ? '' : '1.00×',
      '—',
      '',
    ],
    throughputRow('single', '`POST /v1/events`, single', goals.single, (x) => x >= 0.7),
    throughputRow(
      'sdk',
      'the same through the SDK (`events.create`, an `Idempotency-Key` each)',
      goals.single,
      (x) => x >= 0.7,
    ),
    throughputRow('batch', '`POST /v1/events/batch` (100/call)', goals.batch, (x) => x > 1),
    [
      `latency call → receiver at ${w.settings.rate} events/s, p50 / p99 / p99.9 (${w.settings.latencyRuns} run${w.settings.latencyRuns === 1 ? '' : 's'}; p99 of each run)`,
      ours ? `${lat('single')} (${ours.runP99.map((x) => fmt(x)).join(', ')})` : lat('single'),
      lat('graphileWorker'),
      lat('bullmq'),
      goals.latency,
      ours ? met(ours.p50 < 10 && ours.p99 < 50) : '',
    ],
    [
      'workflow executions, Start → Webhook, one event each',
      execs === null || single === null
        ? '–'
        : `${fmt(execs)}/s, ${(execs / single).toFixed(2)}× single-event deliveries`,
      times(execs, gw),
      vsBull(execs),
      goals.executions,
      execs === null || single === null ? '' : met(execs / single >= 0.8),
    ],
    [
      'PostgreSQL transactions per event (single event, one matching webhook)',
      fmt(tx, 2),
      fmt(cost('graphileWorker')?.transactions, 2),
      bullCost?.redisCommands !== undefined ? `${fmt(bullCost.redisCommands)} Redis commands` : '–',
      goals.tx,
      tx === null ? '' : met(tx <= 3),
    ],
    [
      'PostgreSQL CPU per event (backends of the bench database)',
      ms(cost('single')?.postgresCpuMs),
      ms(cost('graphileWorker')?.postgresCpuMs),
      bullCost?.redisCpuMs !== undefined ? `Redis ${ms(bullCost.redisCpuMs)}` : '–',
      '—',
      '',
    ],
    [
      'CPU per event of the stack’s own processes',
      `${ms(cost('single')?.processCpuMs)} (serve + worker)`,
      `${ms(cost('graphileWorker')?.processCpuMs)} (runner)`,
      bullCost ? `${ms(bullCost.processCpuMs)} (worker)` : '–',
      '—',
      '',
    ],
    [
      'RSS at steady state',
      `serve ${mb(rss('switchyard serve'))}, worker ${mb(rss('switchyard worker'))}`,
      `runner ${mb(rss('graphile-worker runner'))}`,
      bull === null
        ? '–'
        : `worker ${mb(rss('bullmq worker'))}, redis-server ${mb(rss('redis-server (whole server)'))}`,
      '—',
      '',
    ],
  ];
}

/** Prints the summary table (markdown) and the lines a reader needs to judge it. */
export function printSummary(
  parts: Parts,
  context: { loadStart: number[]; loadEnd: number[]; seconds: number },
): void {
  const { core, server, worker } = parts;
  const rows: Cells[] = [
    ...workerRows(worker),
    core
      ? ['500-node DAG validation', ms(core.dagMs), '', '', '< 1 ms', met(core.dagMs < 1)]
      : ['500-node DAG validation', 'not run (`pnpm bench core`)', '', '', '< 1 ms', ''],
    server
      ? [
          `ingest cost, ${server.workflows.toLocaleString('en-US')} vs ${server.few} workflows`,
          `${server.costRatio.toFixed(2)}×`,
          '',
          '',
          '≤ 1.5×',
          met(server.costRatio <= 1.5),
        ]
      : ['ingest cost, 10,000 vs 10 workflows', 'not run (`pnpm bench server`)', '', '', '≤ 1.5×', ''],
  ];
  console.log('| figure | measured | vs raw graphile-worker | vs BullMQ | goal | |');
  console.log('| --- | ---: | ---: | ---: | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('');
  const load = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
  console.log(
    `Load average (1 / 5 / 15 min): ${load(context.loadStart)} at the start, ${load(context.loadEnd)} at the end; ` +
      `${Math.round(context.seconds)} s in all.`,
  );
  if (worker && isSkipped(worker.throughput.bullmq)) {
    console.log(`BullMQ skipped: ${worker.throughput.bullmq.skipped}.`);
  }
  if (worker) {
    const s = worker.settings;
    console.log(
      `Worker bench: ${s.events} events per row × ${s.rounds} interleaved rounds (medians), ${s.clients} callers, ` +
        `worker concurrency ${s.concurrency}, every worker its own process; transactions counted over ${s.txEvents} events per row.`,
    );
  }
}
