import { EventEmitter } from 'node:events';
import { type ActionProvider, closeServerDeps, createServerDeps, type Env } from '@switchyard/server';
import { Logger as GraphileLogger, type Runner, run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from 'pino';
import { type TaskDefinition, toTaskList } from './defineTask.ts';
import type { WorkerDeps } from './deps.ts';
import { startHeartbeat } from './recovery.ts';
import { allTasks } from './tasks/index.ts';

/** A running worker. */
export interface RunningWorker {
  deps: WorkerDeps;
  runner: Runner;
  /** Stops taking jobs, waits for the running ones, closes connections. */
  stop(): Promise<void>;
}

/** Options for {@link startWorker}. */
export interface WorkerOptions {
  env: Env & { DATABASE_URL: string };
  logger: Logger;
  /** Extra or replacement tasks (a host's own providers, tests). */
  tasks?: TaskDefinition[];
  pollIntervalMs?: number;
  /** The host's own action providers; one with a built-in's type replaces it. */
  actions?: readonly ActionProvider<never>[];
}

function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const l = level === 'warning' ? 'warn' : level;
    const fn = (logger as unknown as Record<string, (o: object, m: string) => void>)[l] ?? logger.info;
    fn.call(logger, { ...scope, ...meta }, message);
  });
}

/**
 * Runs graphile-worker over the job catalog. Jobs are taken with `SKIP LOCKED`, so any number of worker processes
 * can share one database. Signals are the caller's to handle: call `stop()` on SIGTERM.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const deps: WorkerDeps = await createServerDeps(opts.env, opts.logger, {
    poolSize: opts.env.WORKER_CONCURRENCY + 2,
    actions: opts.actions,
  });
  const byName = new Map<string, TaskDefinition>();
  for (const t of [...allTasks, ...(opts.tasks ?? [])]) byName.set(t.name, t);
  // graphile-worker gets its own pool: the ORM's returns timestamps as strings. Ours, so that a connection the
  // database drops (e.g. an embedded PostgreSQL stopping first on Ctrl-C) is logged instead of crashing the process.
  const pgPool = new pg.Pool({
    connectionString: opts.env.DATABASE_URL,
    max: opts.env.WORKER_CONCURRENCY + 2,
  });
  pgPool.on('error', (err) => opts.logger.warn({ err }, 'worker pg connection error'));
  pgPool.on('connect', (client) =>
    client.on('error', (err) => opts.logger.warn({ err }, 'worker pg client error')),
  );
  const localQueueSize = opts.env.WORKER_LOCAL_QUEUE_SIZE ?? opts.env.WORKER_CONCURRENCY + 1;
  const events: WorkerEvents = new EventEmitter();
  let workerPoolId: string | undefined;
  events.on('pool:create', ({ workerPool }) => {
    workerPoolId = workerPool.id;
  });
  const runner = await run({
    pgPool,
    events,
    concurrency: opts.env.WORKER_CONCURRENCY,
    parsedCronItems: [],
    // Without a batcher graphile-worker records a finished job fire-and-forget, and a stop() that lands while a job
    // runs returns before the job's completion is written: the job stays locked for hours. Batchers (even with no
    // delay) are flushed on shutdown.
    // The local queue fetches and locks several jobs in one query and hands them out as tasks finish.
    preset: {
      worker: {
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
        ...(localQueueSize > 1 ? { localQueue: { size: localQueueSize } } : {}),
      },
    },
    noHandleSignals: true,
    pollInterval: opts.pollIntervalMs ?? 1000,
    taskList: toTaskList([...byName.values()], deps),
    logger: graphileLogger(opts.logger.child({ component: 'graphile-worker' })),
  });
  if (!workerPoolId) throw new Error('graphile-worker did not report its worker pool');
  const stopHeartbeat = await startHeartbeat({
    pool: pgPool,
    workerPoolId,
    heartbeatMs: opts.env.WORKER_HEARTBEAT_SECONDS * 1000,
    deadAfterMs: opts.env.WORKER_DEAD_AFTER_SECONDS * 1000,
    logger: opts.logger,
  });
  return {
    deps,
    runner,
    async stop() {
      await runner.stop();
      await stopHeartbeat();
      await pgPool.end();
      await closeServerDeps(deps);
    },
  };
}
