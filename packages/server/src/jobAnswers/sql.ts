import { statement } from '../db/statement.ts';

/** Adds a job the API awaits: one attempt, keyed by its answer id (so a timed-out wait can take it back). */
export const ADD_ANSWERED_JOB = statement<[name: string, payload: string, jobKey: string], { id: string }>(
  'switchyard_add_answered_job',
  `select (graphile_worker.add_job(identifier => $1, payload => $2::json, max_attempts => 1, job_key => $3)).id::text as id`,
);

/** Takes a job back that no worker picked up in time (a locked one is left to run; its answer is then unread). */
export const REMOVE_ANSWERED_JOB = statement<[jobKey: string]>(
  'switchyard_remove_answered_job',
  'select graphile_worker.remove_job($1)',
);

/** Reads and deletes one answer. */
export const TAKE_ANSWER = statement<[id: string], { answer: unknown }>(
  'switchyard_take_answer',
  'delete from job_answers where id = $1 returning answer',
);

/** The worker's answer, and the NOTIFY that wakes the API process waiting for it, in one statement. */
export const WRITE_ANSWER = statement<[id: string, answer: string, channel: string], { id: string }>(
  'switchyard_write_answer',
  `with written as (
     insert into job_answers (id, answer) values ($1, $2::jsonb)
     on conflict (id) do update set answer = excluded.answer returning id
   )
   select id, pg_notify($3, id::text) from written`,
);

/** Answers nobody came for (the API's wait ended first), older than the interval. */
export const PURGE_ANSWERS = statement<[olderThan: string]>(
  'switchyard_purge_answers',
  'delete from job_answers where created_at < now() - $1::interval',
);
