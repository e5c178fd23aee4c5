// The worker bench's figures as data: printed here as markdown tables, and written as JSON for `pnpm bench` to put
// into the one table of issue 18 (scripts/benchSummary.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchSettings } from './settings.ts';

/** The throughput rows, each measured in every round, interleaved. */
export const ROWS = ['graphileWorker', 'bullmq', 'single', 'sdk', 'batch', 'executions'] as const;
export type RowKey = (typeof ROWS)[number];
/** The stacks of the latency runs. */
export const LATENCY = ['graphileWorker', 'bullmq', 'single'] as const;
export type LatencyKey = (typeof LATENCY)[number];

export type Skipped = { skipped: string };
export interface Throughput {
  /** Median per second over the rounds. */
  median: number;
  rounds: number[];
}
export interface Latency {
  /** Percentiles (ms) over every run's samples together. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Each run's p99 (ms): how much the tail moves from run to run. */
  runP99: number[];
  samples: number;
}
export interface Cost {
  /** PostgreSQL transactions per event (pg_stat_database of the row's database), from the transaction count. */
  transactions: number | null;
  /** CPU of the row's database backends per event (ms), median over rounds. */
  postgresCpuMs: number | null;
  /** CPU of the row's own processes per event (ms), median over rounds: which ones is `processes`. */
  processCpuMs: number | null;
  processes: string;
  /** CPU of this process per event (ms), median over rounds: the callers (HTTP, SDK, add_job) and the receiver. */
  callerCpuMs: number | null;
  /** BullMQ's row: Redis's CPU and commands per job, median over rounds. */
  redisCpuMs?: number;
  redisCommands?: number;
}
export interface Memory {
  process: string;
  medianMb: number;
  peakMb: number;
}
export interface WorkerSummary {
  settings: BenchSettings;
  postgres: string;
  loadavg: { start: number[]; end: number[] };
  throughput: Record<RowKey, Throughput | Skipped>;
  latency: Record<LatencyKey, Latency | Skipped>;
  costs: Partial<Record<RowKey, Cost>>;
  memory: Memory[];
}

/** Writes the summary where `pnpm bench` asked for it (BENCH_SUMMARY_DIR), if it did. */
export function writeSummary(name: string, summary: unknown): void {
  const dir = process.env.BENCH_SUMMARY_DIR;
  if (dir) writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(summary, null, 2));
}

export const isSkipped = (x: object): x is Skipped => 'skipped' in x;
