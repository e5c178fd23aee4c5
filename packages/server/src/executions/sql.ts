import { statement } from '../db/statement.ts';

// The executions API's statements that change executions (stopping them); the engine's own are the worker's.

/** Stops the running or waiting ones of these executions. */
export const STOP_EXECUTIONS = statement<[reason: string, ids: string[]], { id: string }>(
  'switchyard_stop_executions',
  `update executions set status = 'stopped', error = $1, finished_at = now(), updated_at = now()
    where id = any($2::uuid[]) and status in ('running', 'waiting') returning id`,
);

/** Skips the queued steps of stopped executions; `was` tells which had a job scheduled. */
export const SKIP_QUEUED_STEPS = statement<
  [executionIds: string[]],
  { execution_id: string; node_id: string; was: string }
>(
  'switchyard_skip_queued_steps',
  `with s as (
     select id, status as was from execution_steps
      where execution_id = any($1::uuid[]) and status in ('pending', 'scheduled') for update
   )
   update execution_steps t set status = 'skipped', finished_at = now(), updated_at = now()
     from s where t.id = s.id returning t.execution_id, t.node_id, s.was`,
);

/** Removes queued jobs by key. */
export const REMOVE_JOBS = statement<[jobKeys: string[]]>(
  'switchyard_remove_jobs',
  'select graphile_worker.remove_job(k) from unnest($1::text[]) as k',
);
