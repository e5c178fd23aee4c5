import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * Heartbeats and the reclaiming of a dead worker's jobs. graphile-worker keeps a job locked by a process that died
 * without shutting down (kill -9, a lost machine) for four hours. Each worker pool records that it is alive every
 * `heartbeatMs`; any live worker unlocks the jobs held by pools silent for `deadAfterMs`, so they run again within
 * about a minute. Steps and deliveries are idempotent (job keys and state transitions), so a job that did run
 * before its worker died and runs again does no harm.
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
  with dead as (
    select distinct j.locked_by as id
      from graphile_worker.jobs j
     where j.locked_by is not null
       and j.locked_at < now() - make_interval(secs => $1)
       and not exists (
         select 1 from worker_heartbeats h
          where h.id = j.locked_by and h.last_seen_at > now() - make_interval(secs => $1))
  ), unlocked as (
    select graphile_worker.force_unlock_workers(array(select id from dead))
  )
  select array(select id from dead) as ids from unlocked`;

/** Unlocks the jobs of every worker pool silent for `deadAfterMs`; returns the dead pools' ids. */
export async function reclaimDeadWorkers(pool: pg.Pool, deadAfterMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ ids: string[] }>(RECLAIM, [deadAfterMs / 1000]);
  const ids = rows[0]?.ids ?? [];
  if (ids.length > 0) await pool.query('delete from worker_heartbeats where id = any($1)', [ids]);
  return ids;
}

/** Starts beating for one worker pool; the returned function stops and removes its row. */
export async function startHeartbeat(opts: HeartbeatOptions): Promise<() => Promise<void>> {
  const { pool, workerPoolId, logger } = opts;
  await pool.query(
    `insert into worker_heartbeats (id, hostname, pid) values ($1, $2, $3)
     on conflict (id) do update set last_seen_at = now()`,
    [workerPoolId, os.hostname(), process.pid],
  );
  const beat = async () => {
    try {
      await pool.query('update worker_heartbeats set last_seen_at = now() where id = $1', [workerPoolId]);
      const dead = await reclaimDeadWorkers(pool, opts.deadAfterMs);
      if (dead.length > 0) logger.warn({ workerPools: dead }, 'unlocked the jobs of dead workers');
    } catch (err) {
      logger.warn({ err }, 'worker heartbeat failed');
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), opts.heartbeatMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pool.query('delete from worker_heartbeats where id = $1', [workerPoolId]).catch(() => {});
  };
}
