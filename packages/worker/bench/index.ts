// Events → delivered webhooks and workflow executions, against two baselines in the same run: raw graphile-worker
// on the same PostgreSQL and BullMQ on the machine's Redis, every worker a process of its own. Rows are interleaved
// round by round (A B C … A B C …) so the machine's noise hits all alike; medians are reported.
// `node bench/index.ts` from packages/worker or `pnpm bench worker` from the root; knobs in bench/settings.ts.
import os from 'node:os';
import {
  benchPostgres,
  dropBenchDatabases,
  freshDatabase,
  median,
  percentile,
} from '@switchyard/server/bench';
import { startEmbeddedPostgres } from '@switchyard/worker/embedded';
import { startBaseline } from './baseline.ts';
import { type BullmqStack, redisUnavailable, startBullmq } from './bullmq.ts';
import { startExecutionsBench } from './executions.ts';
import { startReceiver } from './harness.ts';
import { startPipeline } from './pipeline.ts';
import { printWorkerSummary } from './report.ts';
import { type MemoryTarget, postgresMonitor, startCpuMeter, startMemorySampler } from './resources.ts';
import { runScaleOut } from './scaleOut.ts';
import { readSettings } from './settings.ts';
import {
  type Cost,
  LATENCY,
  type Latency,
  type LatencyKey,
  ROWS,
  type RowKey,
  type Skipped,
  type Throughput,
  type WorkerSummary,
  writeSummary,
} from './summary.ts';
import { countTransactions } from './transactions.ts';

const s = readSettings();
const progress = (m: string) => process.stderr.write(`bench: ${m}\n`);
const loadStart = os.loadavg();

const pg = await benchPostgres(startEmbeddedPostgres);
const monitor = postgresMonitor(pg.serverUrl);
// CPU and memory of the backends need them in this machine's /proc; transaction counts do not.
const local = (await monitor.local()) ? monitor : null;
const receiver = await startReceiver();
const stops: Array<() => Promise<void>> = [];
try {
  const baseDb = await freshDatabase(pg.serverUrl, 'baseline');
  const ourDb = await freshDatabase(pg.serverUrl, 'pipeline');
  const DB = { baseline: baseDb.name, pipeline: ourDb.name };
  const baseline = await startBaseline(baseDb.url, receiver, s.concurrency);
  stops.push(baseline.stop);
  const redisSkip = await redisUnavailable(s.redisPort);
  let bull: BullmqStack | null = null;
  if (redisSkip) progress(`BullMQ skipped: ${redisSkip}`);
  else {
    bull = await startBullmq(receiver, s.concurrency, s.redisPort);
    stops.push(bull.stop);
  }
  const pipeline = await startPipeline(ourDb.url, receiver, s.concurrency);
  stops.push(pipeline.stop);
  const executions = await startExecutionsBench(pipeline.post, receiver);

  interface Row {
    db: string | null;
    pids: number[];
    run(n: number): Promise<number>;
  }
  const sy = pipeline.processes.map((p) => p.pid);
  const rows: Partial<Record<RowKey, Row>> = {
    graphileWorker: {
      db: DB.baseline,
      pids: baseline.processes.map((p) => p.pid),
      run: (n) => baseline.throughput(n, s.clients),
    },
    ...(bull && {
      bullmq: { db: null, pids: bull.processes.map((p) => p.pid), run: (n) => bull.throughput(n, s.clients) },
    }),
    single: { db: DB.pipeline, pids: sy, run: (n) => pipeline.throughput(n, s.clients) },
    sdk: { db: DB.pipeline, pids: sy, run: (n) => pipeline.sdkThroughput(n, s.clients) },
    batch: { db: DB.pipeline, pids: sy, run: (n) => pipeline.batchThroughput(n, 100, 4) },
    executions: { db: DB.pipeline, pids: sy, run: (n) => executions.throughput(n, s.clients) },
  };
  const active = ROWS.filter((k) => rows[k] && (s.rows.length === 0 || s.rows.includes(k)));

  progress('warming up (JIT, connections, prepared statements)');
  for (const k of active) await rows[k]?.run(Math.min(200, s.events));

  const memoryTargets: MemoryTarget[] = [
    { name: 'bench process (callers, receiver)', pid: process.pid },
    ...[...baseline.processes, ...(bull?.processes ?? []), ...pipeline.processes].map((p) => ({
      name: p.name,
      pid: p.pid,
    })),
    { name: "PostgreSQL backends, graphile-worker's database (PSS, summed)", backendsOf: DB.baseline },
    { name: "PostgreSQL backends, Switchyard's database (PSS, summed)", backendsOf: DB.pipeline },
  ];
  if (bull) memoryTargets.push({ name: 'redis-server (whole server)', pid: (await bull.redisStats()).pid });
  const stopSampling = startMemorySampler(local, memoryTargets);

  const rates = new Map<RowKey, number[]>(active.map((k) => [k, []]));
  const costs = new Map<
    RowKey,
    { pg: number[]; proc: number[]; callers: number[]; redisCpu: number[]; redisCmd: number[] }
  >(active.map((k) => [k, { pg: [], proc: [], callers: [], redisCpu: [], redisCmd: [] }]));
  for (let r = 0; r < s.rounds; r++) {
    progress(`round ${r + 1} of ${s.rounds}: ${active.join(', ')}`);
    for (const k of active) {
      const row = rows[k] as Row;
      const meter = await startCpuMeter(local, row.db, row.pids);
      const redisBefore = k === 'bullmq' ? await bull?.redisStats() : undefined;
      const callersBefore = process.cpuUsage();
      rates.get(k)?.push(await row.run(s.events));
      const callers = process.cpuUsage(callersBefore);
      const used = await meter();
      const c = costs.get(k);
      c?.callers.push((callers.user + callers.system) / 1000 / s.events);
      if (used.postgresMs !== null) c?.pg.push(used.postgresMs / s.events);
      if (used.processMs !== null) c?.proc.push(used.processMs / s.events);
      if (redisBefore && bull) {
        const after = await bull.redisStats();
        c?.redisCpu.push((after.cpuMs - redisBefore.cpuMs) / s.events);
        c?.redisCmd.push((after.commands - redisBefore.commands) / s.events);
      }
    }
  }
  const memory = await stopSampling();

  const latencies = new Map<LatencyKey, { all: number[]; runP99: number[] }>();
  const latencyOf: Partial<Record<LatencyKey, (n: number, rate: number) => Promise<number[]>>> = {
    graphileWorker: baseline.latency,
    ...(bull && { bullmq: bull.latency }),
    single: pipeline.latency,
  };
  const perRun = s.rate * s.latencySeconds;
  for (let r = 0; r < s.latencyRuns; r++) {
    progress(`latency run ${r + 1} of ${s.latencyRuns}: ${perRun} events at ${s.rate}/s each`);
    for (const k of LATENCY) {
      const fn = latencyOf[k];
      if (!fn) continue;
      const xs = await fn(perRun, s.rate);
      const acc = latencies.get(k) ?? { all: [], runP99: [] };
      acc.all.push(...xs);
      acc.runP99.push(percentile(xs, 99));
      latencies.set(k, acc);
    }
  }

  const tx =
    s.txEvents > 0
      ? await countTransactions(
          monitor,
          // Rows counted together must use different databases: the baseline's beside one of ours.
          ([['graphileWorker', 'single'], ['sdk'], ['batch'], ['executions']] as RowKey[][]).map((group) =>
            group.map((key) => ({ key, db: rows[key]?.db as string, run: rows[key]?.run })),
          ),
          s.txEvents,
          progress,
        )
      : new Map<RowKey, number>();

  const skipped: Skipped = { skipped: redisSkip ?? '' };
  const summary: WorkerSummary = {
    settings: s,
    postgres: pg.serverUrl.replace(/\/\/[^@]*@/, '//'),
    loadavg: { start: loadStart, end: os.loadavg() },
    throughput: Object.fromEntries(
      ROWS.map((k) => {
        const xs = rates.get(k);
        return [k, xs ? ({ median: median(xs), rounds: xs } satisfies Throughput) : skipped];
      }),
    ) as WorkerSummary['throughput'],
    latency: Object.fromEntries(
      LATENCY.map((k) => {
        const l = latencies.get(k);
        if (!l) return [k, skipped];
        const v: Latency = {
          p50: percentile(l.all, 50),
          p99: percentile(l.all, 99),
          p999: percentile(l.all, 99.9),
          max: percentile(l.all, 100),
          runP99: l.runP99,
          samples: l.all.length,
        };
        return [k, v];
      }),
    ) as WorkerSummary['latency'],
    costs: Object.fromEntries(
      active.map((k) => {
        const c = costs.get(k);
        const med = (xs: number[] | undefined) => (xs && xs.length > 0 ? median(xs) : null);
        const v: Cost = {
          transactions: tx.get(k) ?? null,
          postgresCpuMs: k === 'bullmq' ? null : med(c?.pg),
          processCpuMs: med(c?.proc),
          callerCpuMs: med(c?.callers),
          processes:
            k === 'graphileWorker'
              ? 'runner'
              : k === 'bullmq'
                ? 'worker'
                : 'switchyard serve + switchyard worker',
          ...(k === 'bullmq' && { redisCpuMs: med(c?.redisCpu) ?? 0, redisCommands: med(c?.redisCmd) ?? 0 }),
        };
        return [k, v];
      }),
    ),
    memory,
  };
  printWorkerSummary(summary);
  writeSummary('worker', summary);
} finally {
  for (const stop of stops.reverse()) await stop().catch((err: unknown) => progress(`stopping: ${err}`));
  await receiver.close();
  await monitor.end();
  await dropBenchDatabases(pg.serverUrl);
  await pg.stop();
}

// Last, on a PostgreSQL of its own: 2 servers + 3 workers as separate processes (bench/scaleOut.ts). It checks
// correctness under scale-out (nothing acknowledged lost), so a failure there is the one non-zero exit.
if (s.scaleOutEvents > 0 && !(await runScaleOut(s.scaleOutEvents))) process.exitCode = 1;
