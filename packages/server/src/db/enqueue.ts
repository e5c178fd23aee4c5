import { JOBS, type JobName, type JobPayload } from '@switchyard/core';
import type { EntityManager } from './orm.ts';
import { run, statement } from './statement.ts';

/** When and how a job runs. */
export interface EnqueueOptions {
  runAt?: Date;
  /** A job with the same key replaces the queued one (or is kept, with jobKeyMode 'preserve_run_at'). */
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  queueName?: string;
  priority?: number;
}

/** graphile-worker's own `add_job`, with every option (a null takes its default). */
const ADD_JOB = statement<
  [
    identifier: string,
    payload: string,
    queueName: string | null,
    runAt: Date | null,
    maxAttempts: number,
    jobKey: string | null,
    priority: number | null,
    jobKeyMode: string | null,
  ]
>(
  'switchyard_add_job',
  `select graphile_worker.add_job(
     identifier => $1, payload => $2::json, queue_name => $3, run_at => $4::timestamptz,
     max_attempts => $5::int, job_key => $6, priority => $7::int, job_key_mode => $8)`,
);

/** A job as `add_job` takes it: its payload checked against the catalog and written as JSON, its catalog attempts. */
export interface JobSpec {
  name: JobName;
  payload: string;
  jobKey: string | null;
  maxAttempts: number;
}

/** The {@link JobSpec} of a job, for {@link enqueueJob} or a statement that adds its jobs itself. */
export function jobSpec<N extends JobName>(name: N, payload: JobPayload<N>, jobKey: string | null): JobSpec {
  const job = JOBS[name];
  job.payload.parse(payload);
  return { name, payload: JSON.stringify(payload), jobKey, maxAttempts: job.maxAttempts };
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
  const job = jobSpec(name, payload, opts.jobKey ?? null);
  await run(em, ADD_JOB, [
    name,
    job.payload,
    opts.queueName ?? null,
    opts.runAt ?? null,
    job.maxAttempts,
    job.jobKey,
    opts.priority ?? null,
    opts.jobKeyMode ?? null,
  ]);
}
