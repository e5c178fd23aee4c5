import { JOBS, type JobName, type JobPayload } from '@switchyard/core';
import type { EntityManager } from './orm.ts';

/** When and how a job runs. */
export interface EnqueueOptions {
  runAt?: Date;
  /** A job with the same key replaces the queued one (or is kept, with jobKeyMode 'preserve_run_at'). */
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  queueName?: string;
  priority?: number;
}

/**
 * Adds a graphile-worker job with `graphile_worker.add_job` through the caller's EntityManager, so the job is part
 * of the caller's transaction: if the transaction rolls back, nothing was enqueued.
 */
export async function enqueueJob<N extends JobName>(
  em: EntityManager,
  name: N,
  payload: JobPayload<N>,
  opts: EnqueueOptions = {},
): Promise<void> {
  const job = JOBS[name];
  job.payload.parse(payload);
  await em.execute(
    `select graphile_worker.add_job(
       identifier => ?, payload => ?::json, queue_name => ?, run_at => ?::timestamptz,
       max_attempts => ?, job_key => ?, priority => ?, job_key_mode => ?)`,
    [
      name,
      JSON.stringify(payload),
      opts.queueName ?? null,
      opts.runAt?.toISOString() ?? null,
      job.maxAttempts,
      opts.jobKey ?? null,
      opts.priority ?? null,
      opts.jobKeyMode ?? null,
    ],
  );
}
