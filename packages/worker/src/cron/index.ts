import { JOBS } from '@switchyard/core';
import { makeWorkerUtils, type ParsedCronItem, parseCronItems } from 'graphile-worker';
import type pg from 'pg';
import { defineTask, type HousekeepingJob, type TaskHandlers } from '../defineTask.ts';
import { applyRetention, purgeExpiredIdempotencyRecords } from './housekeeping.ts';
import { COUNT_PERMANENTLY_FAILED, DELETE_STALE_HEARTBEATS } from './sql.ts';

/**
 * Housekeeping as graphile-worker crontab items. Every worker schedules them, and graphile-worker's known_crontabs
 * table makes each fire once across all of them; a job key keeps a slow run from piling up behind itself, and a
 * run missed while no worker ran is not made up (the next one does the same work).
 */
export function housekeepingCrontab(): ParsedCronItem[] {
  const item = (task: HousekeepingJob, match: string) => ({
    task,
    match,
    identifier: task,
    options: {
      backfillPeriod: 0,
      // The catalog's retry policy, as for every job.
      maxAttempts: JOBS[task].maxAttempts,
      jobKey: `cron:${task}`,
      jobKeyMode: 'replace' as const,
    },
  });
  return parseCronItems([
    item('purge_idempotency_records', '*/15 * * * *'),
    item('apply_retention', '7 * * * *'),
    item('clean_up_job_queue', '17 3 * * *'),
  ]);
}

/** The housekeeping tasks; `queuePool` is graphile-worker's own pool (its cleanup runs through it). */
export function housekeepingTasks(queuePool: pg.Pool): Pick<TaskHandlers, HousekeepingJob> {
  const purge = defineTask('purge_idempotency_records', async (_payload, deps) => {
    const n = await purgeExpiredIdempotencyRecords(deps.pool, new Date());
    deps.logger[n > 0 ? 'info' : 'debug']({ deleted: n }, 'purged expired idempotency records');
  });
  const retention = defineTask('apply_retention', async (_payload, deps) => {
    const deleted = await applyRetention(deps.pool, new Date(), deps.env.RETENTION_DAYS);
    const any = deleted.deliveries + deleted.events + deleted.executions > 0;
    deps.logger[any ? 'info' : 'debug'](
      { ...deleted, retentionDays: deps.env.RETENTION_DAYS },
      'deleted data past its retention',
    );
  });
  const cleanup = defineTask('clean_up_job_queue', async (_payload, deps) => {
    const { rows } = await queuePool.query<{ task: string; n: number }>(COUNT_PERMANENTLY_FAILED);
    // A permanently failed job is work that will never run: say which before it goes.
    if (rows.length > 0) deps.logger.warn({ jobs: rows }, 'deleting permanently failed jobs');
    const utils = await makeWorkerUtils({ pgPool: queuePool });
    try {
      await utils.cleanup({
        tasks: ['DELETE_PERMAFAILED_JOBS', 'GC_JOB_QUEUES', 'GC_TASK_IDENTIFIERS'],
        taskIdentifiersToKeep: Object.keys(JOBS),
      });
    } finally {
      await utils.release();
    }
    await queuePool.query(DELETE_STALE_HEARTBEATS);
  });
  return { purge_idempotency_records: purge, apply_retention: retention, clean_up_job_queue: cleanup };
}
