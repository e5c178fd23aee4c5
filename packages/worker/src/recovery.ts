import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * Heartbeats and the reclaiming of a dead worker's jobs. graphile-worker keeps a job locked by a process that died
 * without shutting down (kill -9, a lost machine) for four hours. Each worker pool records that it is alive every
 * `heartbeatMs`; any live worker unlocks the jobs held by pools silent for `deadAfterMs`, so they run again within
 * about `deadAfterMs` plus one heartbeat. Steps and deliveries are idempotent (job keys and state transitions), so a
 * job that did run before its worker died and runs again does no harm.
 */
export interface HeartbeatOptions {
  pool: pg.Pool;
  /** graphile-worker's pool id: what it writes to `locked_by`. */
  workerPoolId: string;
  heartbeatMs: number;
  deadAfterMs: number;
  logger: Logger;
}

const RECLAIM = `
  with dead_jobs as (
    select j.locked_by
      from graphile_worker.jobs j
     where j.locked_by is not null
       and j.locked_at < now() - make_interval(secs => $1)
       and not exists (
         select 1 from worker_heartbeats h
          where h.id = j.locked_by and h.last_seen_at > now() - make_interval(secs => $1))
  ), dead as (
    select distinct locked_by as id from dead_jobs
  ), unlocked as (
    select graphile_worker.force_unlock_workers(array(select id from dead))
  )
  select array(select id from dead) as ids, (select count(*)::int from dead_jobs) as jobs from unlocked`;

// An upsert: a pool presumed dead during a long outage (its row deleted by a peer) is alive again.
const BEAT = `
  insert into worker_heartbeats (id, hostname, pid) values ($1, $2, $3)
  on conflict (id) do update set last_seen_at = now()`;

/** Unlocks the jobs of every worker pool silent for `deadAfterMs`; returns the dead pools' ids and their job count. */
export async function reclaimDeadWorkers(
  pool: pg.Pool,
  deadAfterMs: number,
): Promise<{ ids: string[]; jobs: number }> {
  const { rows } = await pool.query<{ ids: string[]; jobs: number }>(RECLAIM, [deadAfterMs / 1000]);
  const ids = rows[0]?.ids ?? [];
  if (ids.length > 0) await pool.query('delete from worker_heartbeats where id = any($1)', [ids]);
  return { ids, jobs: rows[0]?.jobs ?? 0 };
}

/**
 * Starts beating for one worker pool; the returned function stops and removes its row.
 *
 * A worker reclaims others' jobs only once its own beats have succeeded for a whole `deadAfterMs`: after a database
 * outage every worker's last beat is old, and the first one back must give the others time to beat again rather than
 * take the jobs they are still running.
 */
export async function startHeartbeat(opts: HeartbeatOptions): Promise<() => Promise<void>> {
  const { pool, workerPoolId, logger } = opts;
  const params = [workerPoolId, os.hostname(), process.pid];
  await pool.query(BEAT, params);
  let healthySince: number | null = Date.now();
  let beating: Promise<void> | null = null;
  let stopped = false;
  const beat = async () => {
    try {
      await pool.query(BEAT, params);
      healthySince ??= Date.now();
      if (Date.now() - healthySince < opts.deadAfterMs || stopped) return;
      const dead = await reclaimDeadWorkers(pool, opts.deadAfterMs);
      if (dead.ids.length > 0) {
        logger.info({ workerPools: dead.ids, jobs: dead.jobs }, 'reclaimed the jobs of dead workers');
      }
    } catch (err) {
      // The pool logs the outage once; a beat that fails for another reason is worth a line.
      healthySince = null;
      logger.debug({ err }, 'worker heartbeat failed');
    }
  };
  const timer = setInterval(() => {
    // A beat may wait for the database longer than the interval: never two at once.
    if (beating) return;
    beating = beat().finally(() => {
      beating = null;
    });
  }, opts.heartbeatMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await beating;
    await pool.query('delete from worker_heartbeats where id = $1', [workerPoolId]).catch(() => {});
  };
}
