import type { WorkflowTemplate } from '@switchyard/core';
import { statement } from '../db/statement.ts';

// The statements of executions on the API side: starting (executions/start.ts) and stopping, starting by hand and
// rerunning (executions/service.ts). The ORM's pool returns timestamps as strings.

/** Stops those of `ids` still running or waiting; the ids stopped. */
export const STOP_EXECUTIONS = statement<[reason: string, ids: string[]], { id: string }>(
  'executions_stop',
  `update executions set status = 'stopped', error = $1, finished_at = now(), updated_at = now()
    where id = any($2::uuid[]) and status in ('running', 'waiting') returning id`,
);

/** Skips the pending and scheduled steps of `executionIds`; each with the status it had. */
export const SKIP_QUEUED_STEPS = statement<
  [executionIds: string[]],
  { execution_id: string; node_id: string; was: 'pending' | 'scheduled' }
>(
  'executions_skip_queued_steps',
  `with s as (
     select id, status as was from execution_steps
      where execution_id = any($1::uuid[]) and status in ('pending', 'scheduled') for update
   )
   update execution_steps t set status = 'skipped', finished_at = now(), updated_at = now()
     from s where t.id = s.id returning t.execution_id, t.node_id, s.was`,
);

/** Removes queued jobs by their job keys. */
export const REMOVE_JOBS = statement<[jobKeys: string[]]>(
  'executions_remove_jobs',
  'select graphile_worker.remove_job(k) from unnest($1::text[]) as k',
);

/** The user's live executions waiting for `stopEvent`, locked, oldest first. */
export const LIVE_BY_STOP_EVENT = statement<
  [accountId: string, userKey: string, stopEvent: string],
  { id: string; data: Record<string, unknown> }
>(
  'executions_live_by_stop_event',
  `select id, data from executions
    where account_id = $1 and user_key = $2 and stop_event = $3 and status in ('running', 'waiting')
    order by id for update`,
);

/** An execution's row, locked for the rest of the transaction (the worker's planning takes the same lock). */
export const LOCK_EXECUTION = statement<
  [id: string],
  { account_id: string; status: string; template: WorkflowTemplate }
>('executions_lock', 'select account_id, status, template from executions where id = $1 for update');

/** One execution's status, locked. */
export const LOCK_STATUS = statement<[id: string, accountId: string], { status: string }>(
  'executions_lock_status',
  'select status from executions where id = $1 and account_id = $2 for update',
);

/** A waiting execution starts running. */
export const MARK_STARTED = statement<[id: string]>(
  'executions_mark_started',
  `update executions set status = 'running', started_at = now(), updated_at = now() where id = $1`,
);

/** Every step of an execution with its status. */
export const STEP_STATUSES = statement<[executionId: string], { node_id: string; status: string }>(
  'executions_step_statuses',
  'select node_id, status from execution_steps where execution_id = $1',
);

/**
 * Puts the named steps back to pending, as never run. `rerun` counts deliberate reruns of a step: its request
 * identifier changes with it (a retry keeps it).
 */
export const RESET_STEPS = statement<[executionId: string, nodeIds: string[]]>(
  'executions_reset_steps',
  `update execution_steps set status = 'pending', attempts = 0, output = null, error = null, run_at = null,
          started_at = null, finished_at = null, rerun = rerun + 1, updated_at = now()
    where execution_id = $1 and node_id = any($2::text[])`,
);

/** A failed execution runs again. */
export const MARK_RERUN = statement<[id: string]>(
  'executions_mark_rerun',
  `update executions set status = 'running', error = null, finished_at = null, updated_at = now() where id = $1`,
);

/** The causes recorded on the named executions of an account. */
export const CAUSES_OF = statement<[accountId: string, ids: string[]], { caused_by: string[] | null }>(
  'executions_causes_of',
  'select caused_by from executions where account_id = $1 and id = any($2::uuid[])',
);

/**
 * The circuit breaker: one atomic count per workflow and day of the account's zone. The insert or the increment
 * returns a row only while the count is under the limit; concurrent triggers queue on the row, so exactly `max` pass.
 */
export const COUNT_TRIGGER = statement<[workflowId: string, timeZone: string, max: number], { n: number }>(
  'executions_count_trigger',
  `insert into workflow_trigger_counts (workflow_id, day, n) values ($1, (now() at time zone $2)::date, 1)
   on conflict (workflow_id, day) do update set n = workflow_trigger_counts.n + 1
     where workflow_trigger_counts.n < $3
   returning n`,
);

/** Today in a time zone, `YYYY-MM-DD`. */
export const TODAY_IN_ZONE = statement<[timeZone: string], { day: string }>(
  'executions_today_in_zone',
  `select to_char(now() at time zone $1, 'YYYY-MM-DD') as day`,
);

/** Disables a workflow that is still enabled, saying why; its id when this call flipped it. */
export const DISABLE_WORKFLOW = statement<[reason: string, workflowId: string], { id: string }>(
  'executions_disable_workflow',
  `update workflows set enabled = false, disabled_reason = $1, updated_at = now()
    where id = $2 and enabled returning id`,
);

/** An account's time zone, and what an execution's data takes from its user (nulls when there is none yet). */
export const ZONE_AND_USER = statement<
  [accountId: string, userKey: string],
  {
    time_zone: string;
    key: string | null;
    name: string | null;
    email: string | null;
    config: { user_data?: Record<string, unknown> } | null;
  }
>(
  'executions_zone_and_user',
  `select a.time_zone, u.key, u.name, u.email, u.config
     from accounts a left join users u on u.account_id = a.id and u.key = $2
    where a.id = $1`,
);

/**
 * Writes an execution in one statement: the execution (template, data and caused_by as JSON text), one step per node
 * (`pending`, or as planned at creation: Start `succeeded`, its first actions `scheduled`), its count on the
 * workflow when `$18` (in this connection's slot of `workflow_counts`: concurrent events that start one workflow each
 * increment a row of their own instead of queueing on one row lock until they commit), and its first jobs through
 * graphile-worker's `add_job`. A skipped execution (the loop guard) passes no steps, no count and no jobs.
 */
export const CREATE_EXECUTION = statement<
  [
    id: string,
    accountId: string,
    workflowId: string,
    userKey: string,
    status: 'running' | 'waiting' | 'skipped',
    template: string,
    data: string,
    eventId: string | null,
    causedBy: string,
    stopEvent: string | null,
    error: string | null,
    startedAt: Date | null,
    finishedAt: Date | null,
    stepIds: string[],
    stepNodeIds: string[],
    stepTypes: string[],
    stepStatuses: ('pending' | 'scheduled' | 'succeeded')[],
    count: boolean,
    jobNames: string[],
    jobPayloads: string[],
    jobKeys: (string | null)[],
    jobMaxAttempts: number[],
  ],
  { jobs: number }
>(
  'executions_create',
  `with ex as (
     insert into executions (id, account_id, workflow_id, user_key, status, template, data, event_id, caused_by,
       stop_event, error, started_at, finished_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13, now(), now())
   ), steps as (
     insert into execution_steps (id, execution_id, node_id, type, status, attempts, run_at, started_at, finished_at,
       created_at, updated_at)
     select u.id, $1, u.node_id, u.type, u.status, case when u.status = 'succeeded' then 1 else 0 end,
            case when u.status <> 'pending' then now() end, case when u.status = 'succeeded' then now() end,
            case when u.status = 'succeeded' then now() end, now(), now()
       from unnest($14::uuid[], $15::text[], $16::text[], $17::text[]) as u(id, node_id, type, status)
   ), counted as (
     insert into workflow_counts as c (workflow_id, slot, executions, last_triggered_at)
     select $3, pg_backend_pid() % 16, 1, now() where $18::boolean
     on conflict (workflow_id, slot) do update
       set executions = c.executions + 1, last_triggered_at = greatest(c.last_triggered_at, excluded.last_triggered_at)
   ), jobs as (
     select graphile_worker.add_job(identifier => j.name, payload => j.payload::json, max_attempts => j.max_attempts,
              job_key => j.job_key)
       from unnest($19::text[], $20::text[], $21::text[], $22::int[]) as j(name, payload, job_key, max_attempts)
   )
   select (select count(*) from jobs)::int as jobs`,
);
