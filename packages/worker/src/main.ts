import { EventEmitter } from 'node:events';
import { type Env, waitOutRefusals } from '@switchyard/server/db';
import { type Runner, run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ActionProvider } from './actions/provider.ts';
import { housekeepingCrontab, housekeepingTasks } from './cron/index.ts';
import { handlerList, type TaskDefinition, type TaskHandlers, toTaskList } from './defineTask.ts';
import type { WorkerDeps } from './deps.ts';
import { graphileLogger } from './graphileLogger.ts';
import { startHeartbeat } from './recovery.ts';
import { workTasks } from './tasks/index.ts';
import { closeWorkerDeps, createWorkerDeps } from './workerDeps.ts';

/** A running worker. */
export interface RunningWorker {
  deps: WorkerDeps;
  /** The graphile-worker runner of the moment (a new one replaces a runner that stopped on its own). */
  readonly runner: Runner;
  /**
   * Gives the current runner up and starts a new one, as if it had stopped, when that runner is shutting down: for a
   * shutdown known to have hung (graphile-worker's local queue could not hand its jobs back), whose jobs would
   * otherwise stay locked under a heartbeat that never stops. A runner not shutting down is left alone.
   */
  abandonRunner(reason: string): void;
  /** Resolves once `stop()` is done; rejects if the worker gave up (its runner kept stopping): exit non-zero then. */
  readonly done: Promise<void>;
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
  actions?: readonly ActionProvider[];
  /** Restarts in a row (each runner living under a minute) before the worker gives up. Default 10. */
  maxRestarts?: number;
}

/** A runner's own shutdown taking longer than this is hung (longer than any job's timeout): it is given up. */
const SHUTDOWN_HANG_MS = 60_000;

/** A runner that lived this long was healthy: the restart backoff starts over. */
const STABLE_MS = 60_000;

/**
 * Connections a worker's pools hold at most, from its concurrency (the README's sizing section): the ORM's pool, on
 * which every job makes its statements one at a time, and graphile-worker's, which holds one LISTEN connection and
 * fetches, completes and fails jobs in batches (with no local queue each slot fetches its own job).
 */
export function workerPoolSizes(env: Env): { orm: number; queue: number; localQueueSize: number } {
  const localQueueSize = env.WORKER_LOCAL_QUEUE_SIZE ?? env.WORKER_CONCURRENCY + 1;
  return {
    orm: env.WORKER_CONCURRENCY + 2,
    queue: (localQueueSize > 1 ? 1 : env.WORKER_CONCURRENCY) + 4,
    localQueueSize,
  };
}

/**
 * Runs graphile-worker over the job catalog and the housekeeping crontab. Jobs are taken with `SKIP LOCKED`, so any
 * number of worker processes can share one database. Signals are the caller's to handle: call `stop()` on SIGTERM.
 *
 * graphile-worker's runner stops for good when it cannot record a finished job (the database went away mid-query,
 * or refused a connection): its worker pool shuts itself down. This worker watches the runner, stops that pool's
 * heartbeat (so its locked jobs are reclaimed by any live worker) and starts a new runner with backoff, while the
 * pools wait out the database. After `maxRestarts` short-lived runners in a row it gives up: `done` rejects.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { env, logger } = opts;
  const sizes = workerPoolSizes(env);
  const deps: WorkerDeps = await createWorkerDeps(env, logger, {
    poolSize: sizes.orm,
    databaseWaitSeconds: env.WORKER_DATABASE_WAIT_SECONDS,
    actions: opts.actions,
  });
  // graphile-worker gets its own pool: the ORM's returns timestamps as strings.
  const pgPool = waitOutRefusals(new pg.Pool({ connectionString: env.DATABASE_URL, max: sizes.queue }), {
    waitMs: env.WORKER_DATABASE_WAIT_SECONDS * 1000,
    logger,
    name: 'queue',
  });
  // A connection the database drops (a restart, an embedded PostgreSQL stopping first on Ctrl-C) is logged, never
  // fatal; the outage itself is logged once by the pool.
  pgPool.on('error', (err) => logger.debug({ err }, 'queue pool: idle connection lost'));
  pgPool.on('connect', (client) =>
    client.on('error', (err) => logger.debug({ err }, 'queue pool: connection lost')),
  );
  const byName = new Map<string, TaskDefinition>();
  const handlers: TaskHandlers = { ...workTasks, ...housekeepingTasks(pgPool) };
  for (const t of [...handlerList(handlers), ...(opts.tasks ?? [])]) byName.set(t.name, t);
  const taskList = toTaskList([...byName.values()], deps);
  const parsedCronItems = housekeepingCrontab();
  const gLogger = graphileLogger(logger.child({ component: 'graphile-worker' }));

  interface RunnerHandle {
    runner: Runner;
    stopHeartbeat: () => Promise<void>;
    /** Settles when the runner is given up on without having stopped (see `abandonRunner`). */
    abandoned: Promise<void>;
    abandon: () => void;
    /** Set once graphile-worker began shutting the runner's pool down (its own failure, or our stop). */
    shuttingDown: boolean;
  }

  async function startRunner(): Promise<RunnerHandle> {
    const events: WorkerEvents = new EventEmitter();
    let workerPoolId: string | undefined;
    let shuttingDown = false;
    let abandon = () => {};
    const abandoned = new Promise<void>((resolve) => {
      abandon = resolve;
    });
    events.on('pool:create', ({ workerPool }) => {
      workerPoolId = workerPool.id;
    });
    // A runner that stops on its own (the database failed under it) may hang in its shutdown: graphile-worker 0.18's
    // local queue cannot hand its jobs back while the database is away, and the runner's promise then never settles.
    // Its heartbeat would keep those jobs locked for good. A shutdown that failed is given up at once (it runs
    // nothing cleanly any more); one that takes longer than any job may is given up then.
    const giveUp = () => {
      if (!stopping) abandon();
    };
    events.on('pool:gracefulShutdown', () => {
      shuttingDown = true;
      setTimeout(giveUp, SHUTDOWN_HANG_MS).unref();
    });
    events.on('pool:gracefulShutdown:error', giveUp);
    events.on('pool:forcefulShutdown', () => {
      shuttingDown = true;
      giveUp();
    });
    const runner = await run({
      pgPool,
      events,
      concurrency: env.WORKER_CONCURRENCY,
      parsedCronItems,
      // Without a batcher graphile-worker records a finished job fire-and-forget, and a stop() that lands while a
      // job runs returns before the job's completion is written: the job stays locked for hours. Batchers (even with
      // no delay) are flushed on shutdown.
      // The local queue fetches and locks several jobs in one query and hands them out as tasks finish.
      preset: {
        worker: {
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
          ...(sizes.localQueueSize > 1 ? { localQueue: { size: sizes.localQueueSize } } : {}),
        },
      },
      noHandleSignals: true,
      pollInterval: opts.pollIntervalMs ?? 1000,
      taskList,
      logger: gLogger,
    });
    if (!workerPoolId) throw new Error('graphile-worker did not report its worker pool');
    try {
      const stopHeartbeat = await startHeartbeat({
        pool: pgPool,
        workerPoolId,
        heartbeatMs: env.WORKER_HEARTBEAT_SECONDS * 1000,
        deadAfterMs: env.WORKER_DEAD_AFTER_SECONDS * 1000,
        logger,
      });
      return {
        runner,
        stopHeartbeat,
        abandoned,
        abandon,
        get shuttingDown() {
          return shuttingDown;
        },
      };
    } catch (err) {
      await runner.stop().catch(() => {});
      throw err;
    }
  }

  let stopping = false;
  let current = await startFirstRunner();
  let wake: (() => void) | undefined;

  // The database may refuse for longer than one checkout waits when the worker starts (a crowd of processes
  // starting at once against a low max_connections): the first runner is retried like a restart.
  async function startFirstRunner(): Promise<RunnerHandle> {
    const maxRestarts = opts.maxRestarts ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        return await startRunner();
      } catch (err) {
        if (attempt > maxRestarts) throw err;
        const inMs = Math.min(30_000, 1000 * 2 ** (attempt - 1));
        logger.warn({ err: (err as Error).message, inMs }, 'could not start the job runner; trying again');
        await new Promise((r) => setTimeout(r, inMs));
      }
    }
  }
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const supervise = async (): Promise<void> => {
    const maxRestarts = opts.maxRestarts ?? 10;
    let restarts = 0;
    let startedAt = Date.now();
    for (;;) {
      const settled = await Promise.race([
        current.runner.promise.then(
          () => 'stopped' as const,
          () => 'stopped' as const,
        ),
        current.abandoned.then(() => 'abandoned' as const),
      ]);
      // Whatever stopped it, this pool takes no more jobs: stop vouching for the jobs it still has locked.
      await current.stopHeartbeat();
      // An abandoned runner may never settle (its shutdown hung): it is asked to stop, and not waited for.
      if (settled === 'abandoned') void current.runner.stop().catch(() => {});
      if (stopping) return;
      restarts = Date.now() - startedAt >= STABLE_MS ? 1 : restarts + 1;
      for (;;) {
        if (restarts > maxRestarts) {
          throw new Error(`the job runner stopped ${restarts - 1} times in a row; giving up`);
        }
        const delayMs = Math.min(30_000, 1000 * 2 ** (restarts - 1));
        logger.warn({ restart: restarts, inMs: delayMs }, 'the job runner stopped; starting a new one');
        await pause(delayMs);
        if (stopping) return;
        try {
          startedAt = Date.now();
          current = await startRunner();
          // stop() came while it was starting: it stops at once, and the loop above ends.
          if (stopping) await current.runner.stop().catch(() => {});
          else logger.info({ restart: restarts }, 'job runner started again');
          break;
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'could not start the job runner');
          restarts++;
        }
      }
    }
  };
  const done = supervise();
  // Nobody may be awaiting `done` yet; its rejection is reported through it, not as an unhandled rejection.
  done.catch(() => {});

  return {
    deps,
    get runner() {
      return current.runner;
    },
    done,
    abandonRunner(reason: string) {
      // Only a runner already shutting down can be stuck in its shutdown: a later rejection from the old runner's
      // retries must not take down the runner that replaced it.
      if (!current.shuttingDown || stopping) return;
      logger.warn({ reason }, 'the job runner is stuck shutting down; replacing it');
      current.abandon();
    },
    async stop() {
      stopping = true;
      wake?.();
      await current.runner.stop().catch(() => {});
      await done.catch(() => {});
      await pgPool.end();
      await closeWorkerDeps(deps);
    },
  };
}
